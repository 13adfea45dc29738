-- The caps' counts of the SMS a number or a prefix was asked for filter on the purpose
-- (node/services/outbox/sms-caps.ts, `requests`): with the purpose in the index they are read from
-- the index alone, without a row lookup per SMS of the window.
DROP INDEX sms_outbox_to_window;
DROP INDEX sms_outbox_prefix_window;
CREATE INDEX sms_outbox_to_window ON sms_outbox (to_bidx, created_at, purpose);
CREATE INDEX sms_outbox_prefix_window ON sms_outbox (prefix_bidx, created_at, purpose);
