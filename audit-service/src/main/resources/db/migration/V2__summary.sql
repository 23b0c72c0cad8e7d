-- A one-line account of each event for people reading a user's stream ("Email change asked for from a to b, by the
-- user"), written when the event is recorded, from the event alone: it holds no secret because events hold none (no
-- link, code or token travels in an event). Entries recorded before this column existed have none.
alter table audit_event add column summary text;
