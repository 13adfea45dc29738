-- When the mission sealed the last envelope the hub applied on its up channel (the sender's clock).
-- Hub workers sharing the ingest can take a mission's envelopes before the hello it sent just before
-- them; a hello older than the envelope applied last says nothing about the mission going back in
-- time (hub/services/channels/resync-up.ts).
ALTER TABLE channels ADD COLUMN applied_sealed_at bigint NOT NULL DEFAULT 0;
