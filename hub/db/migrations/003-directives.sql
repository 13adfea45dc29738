-- Directives of the ministry and, per target mission, where each one stands.

CREATE TABLE directives (
  id uuid PRIMARY KEY,
  title jsonb NOT NULL,
  body jsonb NOT NULL,
  priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  -- "all" or an array of mission ids, as on the wire.
  target jsonb NOT NULL,
  effective_at timestamptz NOT NULL,
  expires_at timestamptz,
  requires_ack boolean NOT NULL,
  issued_by text NOT NULL,
  issued_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE directive_status (
  directive_id uuid NOT NULL REFERENCES directives (id),
  mission_id text NOT NULL REFERENCES missions (id),
  outbound_seq bigint,
  sent_at timestamptz,
  received_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  ack_comment text,
  reminded_at timestamptz,
  PRIMARY KEY (directive_id, mission_id)
);
CREATE INDEX directive_status_unacknowledged ON directive_status (mission_id) WHERE acknowledged_at IS NULL;
