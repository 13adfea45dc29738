-- A mission's sealed copies of the records each events batch changed (protocol/PROTOCOL.md, "Going
-- back in time"). The hub cannot open them (they are sealed with a subkey of the mission's data
-- key); it returns them with the events to a mission restored from an older backup, which puts its
-- records back. Kept as long as acknowledged envelopes (retention.acknowledgedEnvelopesDays).
CREATE TABLE mission_record_copies (
  mission_id text NOT NULL REFERENCES missions (id),
  channel_seq bigint NOT NULL,
  sealed text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mission_id, channel_seq)
);
CREATE INDEX mission_record_copies_received ON mission_record_copies (received_at);
