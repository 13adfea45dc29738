-- The national registry of persons and civil-status events as the hub keeps it (the built-in
-- adapter of hub/services/registry/national-registry.ts), the reconciliation of what missions
-- submit, the links between the same person registered at two missions, and the hub's own
-- append-only, hash-chained audit trail of what officers decide.

-- A person known to the national registry. `seq` orders additions so that a hub process can bring
-- its in-memory matching index up to date by reading only what is newer than what it holds.
CREATE TABLE registry_persons (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  national_id text NOT NULL UNIQUE CHECK (national_id ~ '^[A-Z0-9-]{4,30}$'),
  given_names text NOT NULL,
  family_name text NOT NULL,
  sex text CHECK (sex IN ('F', 'M', 'X')),
  -- Partial, as registers hold them: 1984, 1984-07 or 1984-07-12.
  birth_date text,
  birth_place text,
  father_name text,
  mother_name text,
  -- 'seed' (loaded from an existing register), or 'submission' (created for a `new` decision).
  source text NOT NULL CHECK (source IN ('seed', 'submission')),
  source_mission_id text,
  source_submission_id uuid UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Numbers of the national ID issued by the built-in registry for `new` persons.
CREATE SEQUENCE registry_national_id_seq;

-- A civil-status event of a registry person, one per submission at most (a replay adds nothing).
CREATE TABLE registry_events (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES registry_persons (id),
  kind text NOT NULL CHECK (kind IN ('birth', 'marriage', 'death')),
  event_date text,
  event_place text,
  mission_id text NOT NULL,
  submission_id uuid NOT NULL UNIQUE,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX registry_events_person ON registry_events (person_id);

-- A submission can now also be closed by an officer without a registry person.
ALTER TABLE registry_submissions DROP CONSTRAINT registry_submissions_status_check;
ALTER TABLE registry_submissions ADD CONSTRAINT registry_submissions_status_check
  CHECK (status IN ('pending', 'match', 'new', 'review', 'rejected'));
-- 'mission' came over the link (its result goes back down); 'import' came from a legacy register
-- loaded with `econsulat registry import` (the mission holds no record to send a result to).
ALTER TABLE registry_submissions ADD COLUMN origin text NOT NULL DEFAULT 'mission'
  CHECK (origin IN ('mission', 'import'));
CREATE INDEX registry_submissions_queue ON registry_submissions (received_at) WHERE status = 'review';
CREATE INDEX registry_submissions_pending ON registry_submissions (received_at) WHERE status = 'pending';

-- Every decision on a submission, by the rules or by an officer, newest last. The submission's
-- status is the latest one's.
CREATE TABLE registry_decisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  submission_id uuid NOT NULL REFERENCES registry_submissions (submission_id),
  decision text NOT NULL CHECK (decision IN ('match', 'new', 'review', 'rejected')),
  person_id uuid REFERENCES registry_persons (id),
  score double precision NOT NULL CHECK (score >= 0 AND score <= 1),
  reasons jsonb NOT NULL,
  -- The best registry persons considered, with their scores and reasons, for the review screen.
  candidates jsonb NOT NULL DEFAULT '[]',
  -- 'rule' or 'officer:<username>'.
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL,
  note text,
  -- The registry.result sent down for it, when one was.
  outbound_seq bigint,
  CHECK ((decision IN ('match', 'new')) = (person_id IS NOT NULL))
);
CREATE INDEX registry_decisions_submission ON registry_decisions (submission_id, id);
CREATE INDEX registry_decisions_person ON registry_decisions (person_id) WHERE person_id IS NOT NULL;

-- The same person registered at two missions: the pair of registrations, stored once with the
-- smaller submission id first, and the registry person when one is known.
CREATE TABLE registry_duplicates (
  submission_a uuid NOT NULL REFERENCES registry_submissions (submission_id),
  submission_b uuid NOT NULL REFERENCES registry_submissions (submission_id),
  person_id uuid REFERENCES registry_persons (id),
  score double precision NOT NULL,
  reasons jsonb NOT NULL,
  found_at timestamptz NOT NULL,
  PRIMARY KEY (submission_a, submission_b),
  CHECK (submission_a < submission_b)
);
CREATE INDEX registry_duplicates_b ON registry_duplicates (submission_b);

-- The hub's audit trail: each entry carries the hash of the one before it (SHA-256 over the
-- previous hash and the entry's canonical JSON), so an edit or a deletion breaks the chain.
CREATE TABLE hub_audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  before jsonb,
  after jsonb,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE INDEX hub_audit_log_entity ON hub_audit_log (entity, entity_id);

-- The head of the chain, one row: appenders lock it, so entries are numbered without gaps.
CREATE TABLE hub_audit_head (
  id integer PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash bytea NOT NULL
);
INSERT INTO hub_audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- Append-only: the database itself refuses to change or remove an entry.
CREATE FUNCTION hub_audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'hub_audit_log is append-only';
END;
$$;
CREATE TRIGGER hub_audit_log_append_only BEFORE UPDATE OR DELETE ON hub_audit_log
  FOR EACH ROW EXECUTE FUNCTION hub_audit_log_refuse_change();
