-- Several hub processes over one database (issue 19; hub/README.md, "Several hub processes").

-- Every running hub process, renewed every few seconds: the ingest processes share the missions
-- by their number, and a process missing its renewals is taken for dead.
CREATE TABLE hub_processes (
  holder text PRIMARY KEY,
  -- The roles it runs, comma-separated (ingest, web, jobs).
  roles text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Which process takes a mission's up channel: one at a time, so each mission's envelopes arrive
-- in order at one subscriber. Times are the database's clock, never a process's.
CREATE TABLE ingest_leases (
  mission_id text PRIMARY KEY REFERENCES missions (id) ON DELETE CASCADE,
  holder text NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX ingest_leases_holder ON ingest_leases (holder);

-- Scheduled jobs that must run once per period whatever the number of processes: the first
-- process to take the job's advisory lock runs it and records the period here; the others skip it.
CREATE TABLE hub_job_runs (
  job text NOT NULL,
  slot text NOT NULL,
  holder text NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, slot)
);
