-- Key rotation: a key superseded by a rotation delivers what it sealed up to the sequence of the
-- rotation, and nothing after (protocol/envelope.ts). The hub records that sequence here; it is
-- also in the signed revocation list. NULL for keys revoked otherwise.
ALTER TABLE key_revocations ADD COLUMN last_seq bigint;
