-- Caps on the SMS queued to one phone number and to one number prefix, per hour and per day
-- (node/services/outbox/sms-caps.ts), against SMS pumping. Each SMS keeps keyed hashes (blind
-- indexes) of its number and of the number's prefix, so the SMS of the last hour and day are counted
-- without decrypting a number and without any number or range in clear. SMS queued before this
-- migration have neither and are not counted: after a day, none is left in the windows.
ALTER TABLE sms_outbox ADD COLUMN to_bidx BLOB;
ALTER TABLE sms_outbox ADD COLUMN prefix_bidx BLOB;
CREATE INDEX sms_outbox_to_window ON sms_outbox (to_bidx, created_at);
CREATE INDEX sms_outbox_prefix_window ON sms_outbox (prefix_bidx, created_at);
