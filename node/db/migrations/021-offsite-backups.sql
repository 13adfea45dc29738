-- Off-site backups (protocol/PROTOCOL.md, "Off-site backups"; node/backup/offsite). The ministry's
-- policy as last received; the generations packed and what became of each at the hub; and, per
-- chunk of a generation, where its plaintext is, so that a chunk is sealed again when it is sent
-- (the same bytes: sealing is deterministic) instead of being kept twice on disk, and whether the
-- hub acknowledged it, so that a transfer resumes after a restart without sending it again.
CREATE TABLE offsite_policy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  recovery_key TEXT NOT NULL,
  recovery_key_id TEXT NOT NULL,
  max_bytes_per_second INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;

-- The highest generation number this mission has used or the hub has named: the next is above it.
CREATE TABLE offsite_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_generation INTEGER NOT NULL
) STRICT;

CREATE TABLE offsite_generations (
  generation INTEGER PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('packed', 'sending', 'stored', 'refused')),
  -- The signed offsite.manifest body (JSON).
  manifest TEXT NOT NULL,
  -- The generation's encrypted manifest before sealing (chunk addresses and scan names, nothing personal).
  inner_manifest BLOB NOT NULL,
  -- The database snapshot the database chunks are cut from, kept until the hub has them all.
  snapshot TEXT NOT NULL,
  created_at TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  sent_bytes INTEGER NOT NULL DEFAULT 0,
  completed_at TEXT,
  stored_bytes INTEGER,
  refused_reason TEXT
) STRICT;

CREATE TABLE offsite_chunks (
  generation INTEGER NOT NULL REFERENCES offsite_generations (generation) ON DELETE CASCADE,
  address BLOB NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('database', 'scan', 'manifest')),
  -- The scan's file name for a scan chunk; null for the others (their file is the generation's).
  file TEXT,
  "offset" INTEGER NOT NULL,
  length INTEGER NOT NULL,
  -- Named by the hub's latest offsite.status `missing` for this generation.
  wanted INTEGER NOT NULL DEFAULT 0,
  acked_at TEXT,
  PRIMARY KEY (generation, address)
) STRICT;
CREATE INDEX offsite_chunks_to_send ON offsite_chunks (generation, wanted, acked_at);
