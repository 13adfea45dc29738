-- How each audit entry's hash is made (node/services/audit/audit-hash.ts): 1, the canonical JSON of
-- the whole entry, for every entry written so far; 2 for the entries written from now on,
-- BLAKE2b-256(prev_hash ‖ entry digest), which lets the hub recompute the chain from the digests an
-- audit.checkpoint carries (PROTOCOL.md, "The audit log anchored at HQ"). The log is append-only,
-- so old entries keep their hash and their version.
--
-- ADD COLUMN rewrites no row and fires no trigger: the append-only triggers stay as they are, and
-- the table need not be rebuilt as migration 011 did to drop a constraint.
ALTER TABLE audit_log ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1 CHECK (hash_version IN (1, 2));
