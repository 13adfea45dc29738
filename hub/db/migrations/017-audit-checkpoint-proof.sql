-- An audit.checkpoint may carry the digests of the entries since a head the hub holds
-- (PROTOCOL.md, "The audit log anchored at HQ"): the hub recomputes the chain from that head and
-- keeps whether the new head was proven to extend it. `since_length` is the length it was proven
-- from: a mission that proved its chain from some length on has only entries it can prove after it,
-- so a later checkpoint past that length without proof is itself an anomaly (`proof_missing`).
-- Heads from older nodes, or over entries of the first hash version, stay unverified: not anomalies.
ALTER TABLE audit_checkpoints ADD COLUMN verified boolean NOT NULL DEFAULT false;
ALTER TABLE audit_checkpoints ADD COLUMN since_length bigint;
ALTER TABLE audit_checkpoints ADD CONSTRAINT audit_checkpoints_anomaly_known CHECK (anomaly IN (
  'head_changed', 'chain_shortened', 'unknown_base', 'chain_rewritten', 'proof_missing'
));
