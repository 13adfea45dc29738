-- The hub's view of a mission's link comes from what it takes from the mission, message by message
-- (hub/ingest/mission-contact.ts), and from its retained presence (hub/link/presence.ts), whichever
-- is newer. `online` and `backlog_events` stay the columns every reader uses; these say where they
-- come from. `last_seen_at` (the hub's clock at any contact) is no longer shown: see
-- message_received_at and message_sent_at.
ALTER TABLE missions ADD COLUMN message_received_at timestamptz;
-- The timestamp the mission sealed on the newest message the hub took: the node's /healthz shows it
-- as lastSentAt, so both ends show the same instant once the hub is up to date.
ALTER TABLE missions ADD COLUMN message_sent_at timestamptz;
-- When the hub last applied a message after which the mission had nothing left to send.
ALTER TABLE missions ADD COLUMN synced_at timestamptz;
ALTER TABLE missions ADD COLUMN presence_online boolean;
ALTER TABLE missions ADD COLUMN presence_at timestamptz;

UPDATE missions
   SET message_received_at = last_seen_at, message_sent_at = last_seen_at,
       presence_online = online, presence_at = last_seen_at
 WHERE last_seen_at IS NOT NULL;
