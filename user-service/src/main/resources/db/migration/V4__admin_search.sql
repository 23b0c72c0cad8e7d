-- Admin search (GET /api/users?email=&name=&status=): each filter has an index, so a search reads what it finds,
-- not the table. Email by prefix: a btree on lower(email) with text_pattern_ops, which serves LIKE 'prefix%' whatever
-- the database's collation. Name by substring: a trigram GIN index (pg_trgm, a trusted extension: the database's
-- owner may create it). Status alone: (status, email), which also gives the order of the results.
create extension if not exists pg_trgm;

create index users_email_prefix_idx on users (lower(email) text_pattern_ops);
create index users_name_trgm_idx on users using gin (lower(name) gin_trgm_ops);
create index users_status_email_idx on users (status, email);
