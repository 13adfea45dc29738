-- Records put back from the hub's sealed copies after a restore (protocol/PROTOCOL.md, "Going back
-- in time"): what became of each recovered event's record, as node/services/recovery/restore-records.ts
-- decided. 'not_copied': the hub returned the event without a copy of its record (an older hub, a
-- batch sealed before copies existed, an entity that is not a record): an agent re-enters it.
ALTER TABLE recovered_events ADD COLUMN outcome TEXT NOT NULL DEFAULT 'not_copied'
  CHECK (outcome IN ('restored', 'overbooked', 'kept_local', 'already_here', 'number_taken', 'failed',
                     'not_copied'));
