-- One event may ask for several mails (an email change: a confirmation to the new address and a notice to the
-- previous one), each remembered on its own so that a redelivered event sends none of them twice.
alter table delivery drop constraint delivery_pkey;
alter table delivery add primary key (event_id, kind);
