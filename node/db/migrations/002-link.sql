-- The link to the hub: the two channel positions, the envelopes held until the hub acknowledges
-- them, the non-event messages waiting to be sealed, and what the hub sent down.

-- One row per peer (only 'hub' today). Positions of both directions of the channel.
CREATE TABLE link_channel (
  peer TEXT PRIMARY KEY,
  -- Sending: the sequence the next sealed message takes, and how far the outbox is sealed.
  next_send_seq INTEGER NOT NULL DEFAULT 1,
  sealed_outbox_seq INTEGER NOT NULL DEFAULT 0,
  last_sent_control_at INTEGER NOT NULL DEFAULT 0,
  -- Receiving: highest sequence applied from the peer, newest control message taken.
  applied_up_to INTEGER NOT NULL DEFAULT 0,
  last_control_at INTEGER NOT NULL DEFAULT 0,
  -- What the peer last acknowledged of ours.
  acked_up_to INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Sealed envelopes kept, byte for byte, until acknowledged: a resend request gets the same bytes.
CREATE TABLE link_sent (
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  envelope BLOB NOT NULL,
  -- For an events batch: the last outbox seq it carries, marked delivered on acknowledgement.
  outbox_up_to INTEGER,
  sealed_at TEXT NOT NULL
) STRICT;

-- Messages other than events (receipts, acknowledgements, checkpoints, registry submissions),
-- written in the transaction of the change that makes them, sealed in order by the link.
-- `body` is the message JSON encrypted with the field key.
CREATE TABLE link_pending (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  body BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- Directives of the ministry, as received (the envelope's signature was verified on receipt).
CREATE TABLE directives (
  directive_id TEXT PRIMARY KEY,
  priority TEXT NOT NULL,
  requires_ack INTEGER NOT NULL,
  effective_at TEXT NOT NULL,
  expires_at TEXT,
  body TEXT NOT NULL,
  received_at TEXT NOT NULL,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  ack_comment TEXT
) STRICT;

-- Versions of the ministry's catalogue of services and fees.
CREATE TABLE catalogue_versions (
  version INTEGER PRIMARY KEY,
  published_at TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;

-- The hub's decisions on registrations and civil-status submissions.
CREATE TABLE registry_results (
  submission_id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  national_id_enc BLOB,
  score REAL NOT NULL,
  reasons TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;
