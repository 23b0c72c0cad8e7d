-- The transactional outbox: every account change writes its event here in the same transaction; the relay sends
-- unpublished rows to Kafka strictly in id order and stamps them. For one user, ids follow commit order, because
-- a change to a user holds that user's row lock until it commits and writes its outbox row after taking the lock.
create table outbox (
    id           bigint generated always as identity primary key,
    event_id     uuid         not null unique,
    user_id      uuid         not null,
    type         varchar(100) not null,
    payload      text         not null,
    occurred_at  timestamptz  not null,
    trace_parent varchar(55),
    published_at timestamptz,
    attempts     int          not null default 0,
    last_error   text
);

-- What the relay reads: the unpublished rows, oldest first. Small, because published rows are skipped.
create index outbox_unpublished_idx on outbox (id) where published_at is null;
create index outbox_published_at_idx on outbox (published_at) where published_at is not null;
