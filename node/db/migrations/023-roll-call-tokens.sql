-- The web link of a roll-call SMS (/r/<token>): a random token of 128 bits or more per phone
-- reached, the household's one link as the SMS is their one message. Only its keyed hash is kept
-- (services/roll-calls/roll-call-token.ts): the token itself is only in the SMS's text (encrypted
-- in the SMS outbox), so this column answers for nobody. NULL until the SMS is queued, and where
-- the node has no public address to link to.
ALTER TABLE roll_call_phones ADD COLUMN token_hash BLOB;
CREATE UNIQUE INDEX roll_call_phones_token ON roll_call_phones (token_hash) WHERE token_hash IS NOT NULL;

-- The order in which the SMS dispatcher hands SMS out (services/outbox/sms-outbox.ts, dueSms):
-- codes first, then the other news of a change, then the thousands of a roll-call; the same
-- expression as its ORDER BY, so the pending SMS are read in that order without a sort.
CREATE INDEX sms_outbox_due_rank
  ON sms_outbox ((CASE purpose WHEN 'booking_code' THEN 0 WHEN 'roll_call' THEN 2 ELSE 1 END), id)
  WHERE state = 'pending';
