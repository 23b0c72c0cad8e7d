-- One row per mail an event asked for, keyed by the event id, written after each attempt: SENT when the SMTP server
-- took the mail (a redelivered event then sends nothing), FAILED after a failed attempt (the event is retried).
create table delivery (
    event_id   uuid primary key,
    kind       text        not null,
    user_id    uuid        not null,
    recipient  text        not null,
    status     text        not null check (status in ('SENT', 'FAILED')),
    attempts   integer     not null check (attempts > 0),
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    sent_at    timestamptz
);

create index delivery_created_at on delivery (created_at desc);
create index delivery_status_created_at on delivery (status, created_at desc);
