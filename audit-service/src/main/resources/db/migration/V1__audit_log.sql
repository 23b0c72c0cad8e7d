-- One row per user event, in a stream per user with a gap-free version (1, 2, 3, ...).
-- The event id is unique, so a redelivered event is a no-op; (user_id, version) is unique, so two writers racing
-- for the same user cannot both take a version.
create table audit_event (
    position     bigint generated always as identity primary key,
    event_id     uuid        not null,
    user_id      uuid        not null,
    version      bigint      not null check (version > 0),
    type         text        not null,
    source       text        not null,
    occurred_at  timestamptz not null,
    actor_id     uuid,
    trace_id     text,
    data         jsonb       not null,
    recorded_at  timestamptz not null default clock_timestamp(),
    constraint audit_event_event_id_unique unique (event_id),
    constraint audit_event_stream_version_unique unique (user_id, version)
);

create index audit_event_occurred_at on audit_event (occurred_at, position);
create index audit_event_type_occurred_at on audit_event (type, occurred_at, position);

-- Append-only, enforced here and not only by the absence of an update path in the code.
create function audit_event_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: % on audit_event is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_event_no_update_or_delete
    before update or delete on audit_event
    for each row execute function audit_event_refuse_change();

create trigger audit_event_no_truncate
    before truncate on audit_event
    for each statement execute function audit_event_refuse_change();
