-- What missions report. Replicas: the mission holds the original; the hub rebuilds nothing from them.

CREATE TABLE mission_events (
  event_id uuid PRIMARY KEY,
  mission_id text NOT NULL REFERENCES missions (id),
  kind text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  at timestamptz NOT NULL,
  data jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
-- Dashboards ask per mission and kind over a period, and across missions by kind.
CREATE INDEX mission_events_mission_kind_at ON mission_events (mission_id, kind, at);
CREATE INDEX mission_events_kind_at ON mission_events (kind, at);
-- The latest state of one record (a file, an appointment) is the newest event about it.
CREATE INDEX mission_events_entity ON mission_events (mission_id, entity, entity_id, at);

CREATE TABLE mission_stats (
  mission_id text NOT NULL REFERENCES missions (id),
  at timestamptz NOT NULL,
  counters jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mission_id, at)
);

CREATE TABLE audit_checkpoints (
  mission_id text NOT NULL REFERENCES missions (id),
  length bigint NOT NULL,
  head_hash text NOT NULL,
  at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the chain shrank or a known position changed its hash: tampering at the mission.
  anomaly text,
  PRIMARY KEY (mission_id, length, head_hash)
);
CREATE INDEX audit_checkpoints_anomaly ON audit_checkpoints (mission_id) WHERE anomaly IS NOT NULL;

CREATE TABLE registry_submissions (
  submission_id uuid PRIMARY KEY,
  mission_id text NOT NULL REFERENCES missions (id),
  kind text NOT NULL,
  record_id text NOT NULL,
  person jsonb NOT NULL,
  event_date text,
  event_place text,
  submitted_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'match', 'new', 'review')),
  decided_at timestamptz
);
CREATE INDEX registry_submissions_status ON registry_submissions (status, received_at);
