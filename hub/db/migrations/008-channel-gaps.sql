-- The highest sequence the ingest dropped as ahead of a mission's channel. Two hub workers sharing
-- the ingest can take n + 1 before n; each answers with its own control message, and the mission
-- keeps only the newer of the two, whichever reaches it first. So the answer to n must itself ask
-- for n + 1 again, or the resend request could be the one dropped and the mission would wait for
-- its resend timer (hub/ingest/channel-row.ts).
ALTER TABLE channels ADD COLUMN gap_seen_up_to bigint NOT NULL DEFAULT 0;
