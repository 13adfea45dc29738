-- Channels that survive going back in time (protocol/PROTOCOL.md, "Going back in time").

-- The sequence of the envelope that brought each replicated event: after a mission is restored
-- from a backup, the events of envelopes it no longer remembers sending are the ones it lost.
ALTER TABLE mission_events ADD COLUMN channel_seq bigint;
CREATE INDEX mission_events_channel_seq ON mission_events (mission_id, channel_seq);

-- The body of each hub → mission message as sealed, so that a hub restored from a dump can seal it
-- again under a sequence the mission has not used. Envelopes are kept after acknowledgement for a
-- retention period (a mission restored from a backup asks for them again), pruned by acked_at.
ALTER TABLE outbound ADD COLUMN body jsonb;
CREATE INDEX outbound_acked_at ON outbound (acked_at) WHERE acked_at IS NOT NULL;

-- An up-channel resync in progress: the sequence the mission must start again from. While set,
-- envelopes below it are answered with channel.resync, never acknowledged.
ALTER TABLE channels ADD COLUMN resync_from bigint;
-- When the hub last took a hello from the mission: no sequenced message is published to a mission
-- before its hello since the publishing process started.
ALTER TABLE channels ADD COLUMN last_hello_at timestamptz;

-- Every time a channel was found to have gone back in time, and what was done: for the ministry's
-- dashboards, /metrics and an investigation after the fact.
CREATE TABLE channel_resyncs (
  id bigserial PRIMARY KEY,
  mission_id text NOT NULL REFERENCES missions (id),
  detected_at timestamptz NOT NULL,
  -- node_behind: the mission lost what it had sent; hub_behind_sent: the hub lost what it had sent;
  -- hub_behind_applied: the hub lost what it had applied; node_behind_applied: the mission lost
  -- what it had applied.
  kind text NOT NULL CHECK (kind IN ('node_behind', 'hub_behind_sent', 'hub_behind_applied', 'node_behind_applied')),
  -- The positions that showed it: what the mission said, what the hub held.
  mission_position bigint NOT NULL,
  hub_position bigint NOT NULL,
  -- node_behind: the new start of the up channel; hub_behind_sent: of the down channel.
  restarted_at bigint,
  -- Events sent back to the mission, or envelopes sealed again or sent again.
  recovered bigint NOT NULL DEFAULT 0
);
CREATE INDEX channel_resyncs_mission ON channel_resyncs (mission_id, detected_at);
