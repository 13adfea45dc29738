-- Outgoing SMS, written in the transaction of the change that causes them, sent by a dispatcher
-- that retries with backoff for as long as the gateway is down. Recipient and text are encrypted:
-- they hold phone numbers, names and confirmation codes.
CREATE TABLE sms_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  to_enc BLOB NOT NULL,
  text_enc BLOB NOT NULL,
  purpose TEXT NOT NULL,
  ref TEXT,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
) STRICT;
CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX sms_outbox_ref ON sms_outbox (ref);
