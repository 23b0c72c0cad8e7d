-- A user's own mails, oldest first (GET /api/notifications/me/deliveries, read by user-service's personal data
-- export): keyset pages by (created_at, event_id, kind) within one user.
create index delivery_user_created_at on delivery (user_id, created_at, event_id, kind);
