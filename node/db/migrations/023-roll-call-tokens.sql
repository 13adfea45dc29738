-- The web link of a roll-call SMS (/r/<token>): a random token of 128 bits or more per phone
-- reached, the household's one link as the SMS is their one message. Only its keyed hash is kept
-- (services/roll-calls/roll-call-token.ts): the token itself is in the SMS alone, so the
-- database cannot answer for anyone. NULL until the SMS is queued, and for SMS queued before.
ALTER TABLE roll_call_phones ADD COLUMN token_hash BLOB;
CREATE UNIQUE INDEX roll_call_phones_token ON roll_call_phones (token_hash) WHERE token_hash IS NOT NULL;
