-- Events kept although their data is not what protocol/messages/event-kinds.ts says of their kind
-- (a newer node's kind this hub does not know, or a field missing or of another type): the hub
-- stores every event as it came and counts these, so an operator sees why a dashboard figure may
-- leave some out, and which mission sent them.
CREATE TABLE event_data_mismatches (
  kind text NOT NULL,
  reason text NOT NULL CHECK (reason IN ('unknown_kind', 'unexpected_data')),
  count bigint NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL,
  last_mission text NOT NULL,
  last_detail text,
  PRIMARY KEY (kind, reason)
);
