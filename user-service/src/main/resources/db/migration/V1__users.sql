create table users (
    id            uuid         primary key,
    email         varchar(320) not null,
    name          varchar(200) not null,
    password_hash varchar(200) not null,
    role          varchar(16)  not null check (role in ('USER', 'ADMIN')),
    status        varchar(16)  not null check (status in ('ACTIVE', 'DEACTIVATED')),
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null,
    version       bigint       not null
);

-- Emails are stored normalised (trimmed, lower-case), so a plain unique index enforces uniqueness.
create unique index users_email_key on users (email);
-- The admin list pages by creation time (and id, to break ties).
create index users_created_at_idx on users (created_at, id);
