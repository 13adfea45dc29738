-- Enrolled missions, their keys, and the state of each channel between a mission and the hub.

CREATE TABLE missions (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- The certificate in force, as the hub signed it (protocol/certificates.ts).
  certificate jsonb NOT NULL,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_seen_at timestamptz,
  online boolean NOT NULL DEFAULT false,
  backlog_events bigint NOT NULL DEFAULT 0,
  backlog_oldest_at timestamptz,
  software_version text,
  protocol_version integer
);

-- Every certificate ever issued: a rotated key still delivers what it signed before it was
-- superseded, so a mission back from a long outage never strands its backlog.
CREATE TABLE mission_certificates (
  key_id text PRIMARY KEY,
  mission_id text NOT NULL REFERENCES missions (id),
  serial integer NOT NULL,
  certificate jsonb NOT NULL,
  issued_at timestamptz NOT NULL
);
CREATE INDEX mission_certificates_mission ON mission_certificates (mission_id);

CREATE TABLE key_revocations (
  key_id text PRIMARY KEY,
  mission_id text NOT NULL REFERENCES missions (id),
  reason text NOT NULL CHECK (reason IN ('compromised', 'superseded', 'retired')),
  revoked_at timestamptz NOT NULL,
  -- Grows with each revocation: the serial of the revocation list the hub signs.
  serial bigint NOT NULL
);

-- One row per mission: the receive state of mission → hub and the send counter of hub → mission.
CREATE TABLE channels (
  mission_id text PRIMARY KEY REFERENCES missions (id),
  applied_up_to bigint NOT NULL DEFAULT 0,
  last_control_at bigint NOT NULL DEFAULT 0,
  next_send_seq bigint NOT NULL DEFAULT 1,
  -- Control messages the hub sends must carry strictly increasing timestamps (protocol/channel.ts).
  last_control_sent_at bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Sealed hub → mission envelopes, kept byte for byte until acknowledged, so a resend is identical.
CREATE TABLE outbound (
  mission_id text NOT NULL REFERENCES missions (id),
  seq bigint NOT NULL,
  type text NOT NULL,
  envelope bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  acked_at timestamptz,
  PRIMARY KEY (mission_id, seq)
);
CREATE INDEX outbound_unacked ON outbound (mission_id, seq) WHERE acked_at IS NULL;

-- Envelopes refused at ingest, counted by reason for /metrics.
CREATE TABLE ingest_refusals (
  reason text PRIMARY KEY,
  count bigint NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL,
  last_sender text,
  last_detail text
);
