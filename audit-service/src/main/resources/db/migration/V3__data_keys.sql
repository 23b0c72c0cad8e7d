-- Crypto-shredding (GDPR Art. 17): each user's personal data in the log is sealed with a data key of their own
-- (AES-256-GCM), stored here encrypted under the master key from configuration. Erasure destroys the key and keeps a
-- tombstone (no key, the time of erasure), so entries stay untouched (append-only) and unreadable, and a late event of
-- an erased user is stored without personal data instead of under a new key. Not append-only: erasure updates it.
create table user_data_key (
    user_id     uuid        primary key,
    wrapped_key bytea,
    created_at  timestamptz not null default clock_timestamp(),
    erased_at   timestamptz,
    constraint user_data_key_key_or_erased check ((wrapped_key is null) = (erased_at is not null))
);

-- From here on an entry's personal data (the event's data and the summary written from it) is in `sealed`:
-- 0x01 | nonce | AES-GCM(the user's key, {"summary", "data"}) with the event id as associated data; `data` and
-- `summary` are null. The entry of a deletion holds no personal data and stays readable in `data` and `summary`.
-- Entries recorded before this migration are sealed once by the next one (V4, Java: it needs the master key).
alter table audit_event alter column data drop not null;
alter table audit_event add column sealed bytea;
alter table audit_event add constraint audit_event_data_or_sealed check (data is null or sealed is null);
