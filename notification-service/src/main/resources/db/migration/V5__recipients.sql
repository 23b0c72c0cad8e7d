-- The address and name each user is mailed at, kept from the account events (UserCreated, EmailVerified,
-- UserUpdated): auth-service's security events (a second factor added or removed, new recovery codes) name only the
-- user. as_of is the time of the event it was last set from, so an older event delivered again never overwrites a
-- newer address. On deletion the row becomes a tombstone (email 'erased', no name) that no earlier event revives.
create table recipient (
    user_id  uuid primary key,
    email    text        not null,
    name     text,
    verified boolean     not null,
    as_of    timestamptz not null
);
