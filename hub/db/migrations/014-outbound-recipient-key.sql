-- The mission key each kept envelope was sealed to. A mission restored from a backup taken before a
-- key rotation asks again for envelopes sealed to its old key, which its new key cannot open: the
-- hub seals those again, same sequence and body, to the key in force (services/outbound.ts).
-- NULL for envelopes kept before this column: sent as they are.
ALTER TABLE outbound ADD COLUMN recipient_key_id text;
