-- Off-site backups (protocol/PROTOCOL.md, "Off-site backups"): each mission's generations, the
-- sealed chunks they are made of, and which policy each mission was sent. The hub holds no key that
-- opens a chunk: the manifest's key envelope is sealed to the ministry's recovery key, kept offline.

-- One generation of a mission's off-site backup, from its signed manifest. `addresses` is the
-- concatenation of its distinct chunk addresses (32 bytes each): what the retention keeps alive.
-- Pending until every chunk is held, then stored (completed_at).
CREATE TABLE offsite_generations (
  mission_id text NOT NULL REFERENCES missions (id),
  generation bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'stored')),
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  completed_at timestamptz,
  bytes bigint NOT NULL,
  -- What this generation's transfer brought that the hub did not hold yet.
  bytes_received bigint NOT NULL DEFAULT 0,
  chunk_count integer NOT NULL,
  addresses bytea NOT NULL,
  -- The manifest as the mission signed it, and the mission's key it was verified under, for a
  -- restore made away from the link.
  manifest jsonb NOT NULL,
  signing_key jsonb NOT NULL,
  PRIMARY KEY (mission_id, generation),
  CHECK ((state = 'stored') = (completed_at IS NOT NULL))
);

-- The sealed chunks, by mission: a chunk is kept once however many generations name it.
CREATE TABLE offsite_chunks (
  mission_id text NOT NULL REFERENCES missions (id),
  address bytea NOT NULL,
  size integer NOT NULL,
  data bytea NOT NULL,
  stored_at timestamptz NOT NULL,
  PRIMARY KEY (mission_id, address)
);

-- What each pending generation still lacks: a chunk frame is kept only when it deletes a row here,
-- and a generation is stored when it has none left. Indexed lookups, whatever a generation's size.
CREATE TABLE offsite_missing (
  mission_id text NOT NULL,
  address bytea NOT NULL,
  generation bigint NOT NULL,
  PRIMARY KEY (mission_id, address, generation),
  FOREIGN KEY (mission_id, generation) REFERENCES offsite_generations (mission_id, generation)
    ON DELETE CASCADE
);
CREATE INDEX offsite_missing_by_generation ON offsite_missing (mission_id, generation);

-- The offsite.policy each mission was last sent: sent again when the recovery key or the rate changes.
CREATE TABLE offsite_policy_sent (
  mission_id text PRIMARY KEY REFERENCES missions (id),
  recovery_key_id text NOT NULL,
  max_bytes_per_second integer NOT NULL,
  seq bigint NOT NULL,
  sent_at timestamptz NOT NULL
);
