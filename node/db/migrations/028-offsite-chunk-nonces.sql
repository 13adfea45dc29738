-- Each off-site chunk's nonce, recorded when it is packed (node/backup/offsite/pack.ts). The nonce is
-- a keyed hash of the chunk's plaintext (chunk-cipher.ts), so a chunk sealed again from its source
-- is the same chunk exactly when its nonce is the same: the sender checks that instead of hashing
-- every sealed chunk once more for its address. NULL for chunks packed before this column: those
-- are checked by their address as before.
ALTER TABLE offsite_chunks ADD COLUMN nonce BLOB;
