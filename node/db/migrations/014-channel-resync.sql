-- Channels that survive going back in time (protocol/PROTOCOL.md, "Going back in time").

-- Sealed envelopes are kept after the hub acknowledges them, for the retention period: a hub
-- restored from an older dump asks for them again. `acked_at` NULL = still waiting for the hub.
-- `body` keeps a non-event message's JSON (encrypted with the field key, like link_pending) so that
-- a resync can number it again; an events batch is numbered again from the outbox.
ALTER TABLE link_sent ADD COLUMN acked_at TEXT;
ALTER TABLE link_sent ADD COLUMN body BLOB;
CREATE INDEX link_sent_unacked ON link_sent (seq) WHERE acked_at IS NULL;

-- Set by `econsulat node restore` in the restored database: the next hello tells the hub, which
-- resynchronises the channel even if the positions alone would not show that the node went back.
ALTER TABLE link_channel ADD COLUMN restored INTEGER NOT NULL DEFAULT 0;

-- The message id of the last envelope applied from the hub, said in every hello: a hub restored from
-- a dump may number another message with the same sequence, which positions alone cannot show.
ALTER TABLE link_channel ADD COLUMN applied_last_id TEXT;

-- Events the hub returned after a resync: written by this mission after the backup it was restored
-- from, lost with the disk, held at HQ. Kept apart for the staff to re-enter, never merged blindly.
CREATE TABLE recovered_events (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  at TEXT NOT NULL,
  -- The event's data as the hub held it (JSON), encrypted with the field key.
  data BLOB NOT NULL,
  recovered_at TEXT NOT NULL,
  -- Set by an agent once the record is re-entered or judged not to need it.
  reviewed_at TEXT,
  reviewed_by TEXT
) STRICT;
CREATE INDEX recovered_events_open ON recovered_events (at) WHERE reviewed_at IS NULL;
