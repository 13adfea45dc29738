-- An agent's check of a person's identity document before the national registry is asked about
-- them: a registration's when it is verified, a transcription's when it is transcribed. The
-- registry.submission carries the document kind and the time (protocol/PROTOCOL.md, "The national
-- registry"); who checked stays here and in the audit log. At most one check per record: it is
-- made once, in the step that sends the submission. The document kind is one of the protocol's
-- (IDENTITY_DOCUMENT_KINDS), checked by the service, so that a kind added there needs no migration.
CREATE TABLE identity_checks (
  entity TEXT NOT NULL CHECK (entity IN ('registration', 'civil_status')),
  entity_id TEXT NOT NULL,
  document_kind TEXT NOT NULL,
  checked_by TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  PRIMARY KEY (entity, entity_id)
) STRICT;
-- A check is evidence the registry relied on: never rewritten nor removed.
CREATE TRIGGER identity_checks_no_update BEFORE UPDATE ON identity_checks
BEGIN SELECT RAISE(ABORT, 'identity_checks is append-only'); END;
CREATE TRIGGER identity_checks_no_delete BEFORE DELETE ON identity_checks
BEGIN SELECT RAISE(ABORT, 'identity_checks is append-only'); END;
