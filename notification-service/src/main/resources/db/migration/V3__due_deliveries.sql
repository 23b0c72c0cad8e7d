-- Mails that need a link from user-service (verification, reset, email change) are not sent by the Kafka listener:
-- it records them here and a scheduled sender fetches the link and mails it, retrying with back-off while
-- user-service is down, so an outage never holds the partition. No link or code is stored: the sender fetches a
-- fresh one for each attempt and only the last one mailed works.
create table due_delivery (
    event_id        uuid        not null,
    kind            text        not null,
    user_id         uuid        not null,
    recipient       text        not null,
    request_id      uuid        not null,
    -- What the mail says besides the link (name, addresses, time): from the event, no secret.
    variables       jsonb       not null,
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    primary key (event_id, kind)
);

create index due_delivery_next_attempt_at on due_delivery (next_attempt_at);

-- DUE: waiting for its link (see due_delivery); SKIPPED: not sent, last_error says why (the link's request was used,
-- expired or unknown: 410).
alter table delivery drop constraint delivery_status_check;
alter table delivery add constraint delivery_status_check check (status in ('SENT', 'FAILED', 'DUE', 'SKIPPED'));
alter table delivery drop constraint delivery_attempts_check;
alter table delivery add constraint delivery_attempts_check check (attempts >= 0);
