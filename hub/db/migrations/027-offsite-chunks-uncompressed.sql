-- Sealed chunks are ciphertext: PostgreSQL's TOAST compression (pglz) finds nothing to save in them
-- and spends CPU trying on every megabyte the hub stores. Stored out of line, uncompressed.
ALTER TABLE offsite_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
