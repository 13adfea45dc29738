-- Delivery receipts of outgoing SMS (notify/: SMPP deliver_sm, an HTTP gateway's delivery
-- report). The gateway's id of an SMS, kept when it accepts the SMS, is what a receipt names;
-- `delivery` is the last verdict a receipt gave: the row's `state` stays 'sent' (the hand-over is
-- done either way) and agents see delivered or undelivered beside it.
ALTER TABLE sms_outbox ADD COLUMN provider_id TEXT;
ALTER TABLE sms_outbox ADD COLUMN delivery TEXT CHECK (delivery IN ('delivered', 'undelivered'));
ALTER TABLE sms_outbox ADD COLUMN delivery_status TEXT;
ALTER TABLE sms_outbox ADD COLUMN delivered_at TEXT;
CREATE INDEX sms_outbox_provider_id ON sms_outbox (provider_id) WHERE provider_id IS NOT NULL;

-- A receipt naming no SMS of ours (sent before a restore, or the gateway's mistake): kept for
-- the record, once per provider id and status, never retried and never an error.
CREATE TABLE sms_receipts_unmatched (
  provider_id TEXT NOT NULL,
  status TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (provider_id, status)
) STRICT;
