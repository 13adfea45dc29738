-- Every head of the audit chain the node queued for the hub (the audit-checkpoint job), kept here
-- too. `econsulat audit verify` checks the chain against them: entries removed from the end leave
-- a valid, shorter chain that only a head recorded earlier can show, and so does a chain rewritten
-- and rehashed from some entry on. Someone who can rewrite the file can rewrite these rows as well;
-- the hub, which keeps every head it was sent, is the witness they cannot reach.
CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  length INTEGER NOT NULL CHECK (length >= 0),
  head_hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
