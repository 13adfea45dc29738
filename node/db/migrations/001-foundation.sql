-- The store's foundation: settings, people, the audit chain and the outbox.
-- Appointments, files, payments and the rest arrive in later migrations.

-- Small facts about this database (the data key's fingerprint, the mission id, …).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- Applicants and registered nationals. Every personal field is an XChaCha20-Poly1305 ciphertext
-- bound to (table, column, id); *_bidx are keyed BLAKE2b blind indexes for exact lookups.
CREATE TABLE people (
  id TEXT PRIMARY KEY,
  given_names_enc BLOB NOT NULL,
  family_name_enc BLOB NOT NULL,
  birth_date_enc BLOB,
  phone_enc BLOB,
  email_enc BLOB,
  id_number_enc BLOB,
  address_enc BLOB,
  phone_bidx BLOB,
  id_number_bidx BLOB,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX people_phone_bidx ON people (phone_bidx);
CREATE INDEX people_id_number_bidx ON people (id_number_bidx);

-- Hash-chained, append-only: digests only, never personal values.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before_digest TEXT,
  after_digest TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
) STRICT;
-- Stops mistakes and casual edits; a determined editor of the file is caught by the chain instead.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Transactional outbox. AUTOINCREMENT: a seq is never reused, even after delivered rows are pruned,
-- so the hub's view of the order stays true. `data` is the event's JSON encrypted with the field key.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  at TEXT NOT NULL,
  data BLOB NOT NULL,
  size INTEGER NOT NULL,
  delivered_at TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL;
