-- Rollups of the replicas for the ministry's dashboards, kept up to date at ingest by a statement
-- trigger on mission_events: a figure over five years of fifty missions reads a few thousand
-- rollup rows instead of millions of events. Each rollup has two grains: 'd' (a UTC day) and
-- 'm' (a UTC month); a period reads whole months from 'm' and its ragged ends from 'd'.
-- The trigger sees only rows the insert really added (ON CONFLICT DO NOTHING skips the others),
-- so an event sent twice is counted once. Untrusted fields of `data` are checked before use: a
-- malformed event is kept as a replica and left out of the figures, never fails the ingest.

-- Events per mission, kind and (for money) currency. `value_sum` adds amountMinor for payments
-- and refunds, and the rating (1 to 5) for satisfaction answers.
CREATE TABLE dashboard_counts (
  grain char(1) NOT NULL CHECK (grain IN ('d', 'm')),
  period_start date NOT NULL,
  mission_id text NOT NULL,
  kind text NOT NULL,
  currency text NOT NULL DEFAULT '',
  events bigint NOT NULL,
  value_sum bigint NOT NULL,
  PRIMARY KEY (grain, period_start, mission_id, kind, currency)
);
CREATE INDEX dashboard_counts_mission ON dashboard_counts (mission_id, grain, period_start);

-- One row per file: where it stands, and how long it took until its clock stopped.
CREATE TABLE dashboard_files (
  mission_id text NOT NULL,
  file_id text NOT NULL,
  service_code text NOT NULL,
  opened_at timestamptz,
  -- The UTC day the file counts under in dashboard_file_states (its opening, or first sight).
  opened_day date NOT NULL,
  state text NOT NULL,
  state_at timestamptz NOT NULL,
  -- Time spent waiting on the applicant (payment, documents): not counted against the target.
  waiting_ms bigint NOT NULL DEFAULT 0,
  stopped_at timestamptz,
  processing_ms bigint,
  PRIMARY KEY (mission_id, file_id)
);

-- Files by the day (or month) they were opened and the state they are in now.
CREATE TABLE dashboard_file_states (
  grain char(1) NOT NULL CHECK (grain IN ('d', 'm')),
  period_start date NOT NULL,
  mission_id text NOT NULL,
  state text NOT NULL,
  files bigint NOT NULL,
  PRIMARY KEY (grain, period_start, mission_id, state)
);
CREATE INDEX dashboard_file_states_mission ON dashboard_file_states (mission_id, grain, period_start);

-- Processing times of files whose clock stopped in the period, as a histogram per service:
-- `bucket_hours` is the time rounded up to the hour below two days, to the day above.
CREATE TABLE dashboard_processing (
  grain char(1) NOT NULL CHECK (grain IN ('d', 'm')),
  period_start date NOT NULL,
  mission_id text NOT NULL,
  service_code text NOT NULL,
  bucket_hours integer NOT NULL,
  files bigint NOT NULL,
  PRIMARY KEY (grain, period_start, mission_id, service_code, bucket_hours)
);
CREATE INDEX dashboard_processing_mission ON dashboard_processing (mission_id, grain, period_start);

-- Unacknowledged directives per mission, for the overdue count.
CREATE INDEX directive_status_sent ON directive_status (sent_at) WHERE acknowledged_at IS NULL;

CREATE FUNCTION dashboard_period_start(grain char(1), at timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN grain = 'd' THEN (at AT TIME ZONE 'UTC')::date
              ELSE date_trunc('month', at AT TIME ZONE 'UTC')::date END
$$;

-- Whether a money event carries a currency code and a whole, non-negative amount.
CREATE FUNCTION dashboard_is_money(kind text, data jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT kind IN ('payment.recorded', 'refund.recorded') AND data->>'currency' ~ '^[A-Z]{3}$'
     AND jsonb_typeof(data->'amountMinor') = 'number' AND data->>'amountMinor' ~ '^[0-9]{1,15}$'
$$;

-- The currency of a well-formed money event; '' for every other event.
CREATE FUNCTION dashboard_currency(kind text, data jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN dashboard_is_money(kind, data) THEN data->>'currency' ELSE '' END
$$;

-- amountMinor of money events, rating of satisfaction answers; 0 when absent or malformed.
CREATE FUNCTION dashboard_value(kind text, data jsonb) RETURNS bigint
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN dashboard_is_money(kind, data) THEN (data->>'amountMinor')::bigint
    WHEN kind = 'survey.answered' AND jsonb_typeof(data->'rating') = 'number'
      AND data->>'rating' ~ '^[1-5]$'
      THEN (data->>'rating')::bigint
    ELSE 0 END
$$;

CREATE FUNCTION dashboard_is_file_state(state text) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT state IN ('submitted', 'in_review', 'awaiting_payment', 'awaiting_documents', 'approved',
                   'rejected', 'ready', 'delivered')
$$;

CREATE FUNCTION dashboard_bucket_hours(ms bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ms <= 48 * 3600000 THEN ceil(GREATEST(ms, 0) / 3600000.0)::integer
              ELSE 24 * ceil(ms / 86400000.0)::integer END
$$;

-- The file part of the rollups for a batch of events: one set-based statement (after a lock),
-- not a loop over the events. The result is the one of applying each file.opened {serviceCode, state} and
-- file.transitioned {serviceCode, from, to} in (at, event_id) order: the first well-formed event
-- of an unknown file creates its row; after that only moves count, and only those no older than
-- the state held (within a sorted batch, a move is never older than the one before it).
-- Callers pass mission_events rows; rows of other kinds are ignored.
CREATE FUNCTION dashboard_apply_file_events(events mission_events[]) RETURNS void
  LANGUAGE sql AS $$
  -- One ingest at a time per mission's files (ingest already takes turns per mission's channel):
  -- the statement below reads the rows it then writes. Keyed by this schema's table.
  SELECT pg_advisory_xact_lock('dashboard_files'::regclass::oid::integer, hashtext(m.mission_id))
    FROM (SELECT DISTINCT e.mission_id FROM unnest(events) AS e
           WHERE e.kind IN ('file.opened', 'file.transitioned') ORDER BY 1) AS m;

  WITH valid AS (
    SELECT e.mission_id, e.entity_id AS file_id, e.kind, e.at, e.event_id, s.next_state,
           left(COALESCE(e.data->>'serviceCode', ''), 60) AS service_code
      FROM unnest(events) AS e
     CROSS JOIN LATERAL (SELECT CASE WHEN e.kind = 'file.opened' THEN e.data->>'state'
                                     ELSE e.data->>'to' END) AS s(next_state)
     WHERE e.kind IN ('file.opened', 'file.transitioned') AND dashboard_is_file_state(s.next_state)
  ),
  held AS (
    SELECT v.*, f.state AS held_state, f.state_at AS held_at, f.waiting_ms AS held_waiting_ms,
           f.opened_at AS held_opened_at, f.opened_day AS held_opened_day,
           f.service_code AS held_service_code, f.stopped_at AS held_stopped_at,
           f.processing_ms AS held_processing_ms,
           row_number() OVER (PARTITION BY v.mission_id, v.file_id ORDER BY v.at, v.event_id) AS nth
      FROM valid v
      LEFT JOIN dashboard_files f ON f.mission_id = v.mission_id AND f.file_id = v.file_id
  ),
  -- A second opening, or a move older than the state held, changes nothing.
  applied AS (
    SELECT * FROM held
     WHERE CASE WHEN held_state IS NULL THEN nth = 1 OR kind = 'file.transitioned'
                ELSE kind = 'file.transitioned' AND at >= held_at END
  ),
  -- Each applied event with the state it leaves (NULL for the one that creates the file).
  steps AS (
    SELECT a.*, lag(next_state, 1, held_state) OVER w AS prev_state, lag(at, 1, held_at) OVER w AS prev_at,
           CASE WHEN held_state IS NULL THEN first_value(service_code) OVER w
                ELSE held_service_code END AS file_service_code,
           CASE WHEN held_state IS NULL THEN first_value(CASE WHEN kind = 'file.opened' THEN at END) OVER w
                ELSE held_opened_at END AS opened_at,
           CASE WHEN held_state IS NULL THEN (first_value(at) OVER w AT TIME ZONE 'UTC')::date
                ELSE held_opened_day END AS opened_day
      FROM applied a
    WINDOW w AS (PARTITION BY mission_id, file_id ORDER BY at, event_id ROWS UNBOUNDED PRECEDING)
  ),
  -- Time waiting on the applicant so far, and how many moves so far closed the file.
  clocks AS (
    SELECT s.*,
           COALESCE(held_waiting_ms, 0)
             + (sum(CASE WHEN prev_state IN ('awaiting_payment', 'awaiting_documents')
                         THEN (extract(epoch FROM at - prev_at) * 1000)::bigint ELSE 0 END) OVER w)::bigint
             AS waiting_ms,
           count(*) FILTER (WHERE prev_state IS NOT NULL AND next_state IN ('ready', 'rejected', 'delivered'))
             OVER w AS closings
      FROM steps s
    WINDOW w AS (PARTITION BY mission_id, file_id ORDER BY at, event_id ROWS UNBOUNDED PRECEDING)
  ),
  -- The move that stops the clock of an opened file: the first to close it, if none did before.
  stops AS (
    SELECT mission_id, file_id, file_service_code, at,
           GREATEST(0, (extract(epoch FROM at - opened_at) * 1000)::bigint - waiting_ms) AS processing_ms
      FROM clocks
     WHERE closings = 1 AND prev_state IS NOT NULL AND next_state IN ('ready', 'rejected', 'delivered')
       AND opened_at IS NOT NULL AND held_stopped_at IS NULL
  ),
  latest AS (
    SELECT DISTINCT ON (mission_id, file_id) * FROM clocks
     ORDER BY mission_id, file_id, at DESC, event_id DESC
  ),
  saved AS (
    INSERT INTO dashboard_files (mission_id, file_id, service_code, opened_at, opened_day, state, state_at,
                                 waiting_ms, stopped_at, processing_ms)
    SELECT l.mission_id, l.file_id, l.file_service_code, l.opened_at, l.opened_day, l.next_state, l.at,
           l.waiting_ms, COALESCE(l.held_stopped_at, s.at), COALESCE(l.held_processing_ms, s.processing_ms)
      FROM latest l LEFT JOIN stops s ON s.mission_id = l.mission_id AND s.file_id = l.file_id
    ON CONFLICT (mission_id, file_id) DO UPDATE
      SET state = EXCLUDED.state, state_at = EXCLUDED.state_at, waiting_ms = EXCLUDED.waiting_ms,
          stopped_at = EXCLUDED.stopped_at, processing_ms = EXCLUDED.processing_ms
  ),
  -- A file leaves the state it held and joins the one it ends in; the states between cancel out.
  recounted AS (
    INSERT INTO dashboard_file_states (grain, period_start, mission_id, state, files)
    SELECT g.grain, CASE WHEN g.grain = 'd' THEN d.opened_day
                         ELSE date_trunc('month', d.opened_day::timestamp)::date END,
           d.mission_id, d.state, sum(d.delta)
      FROM (SELECT mission_id, opened_day, next_state AS state, 1 AS delta FROM latest
            UNION ALL
            SELECT mission_id, opened_day, held_state, -1 FROM latest WHERE held_state IS NOT NULL) AS d
     CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
     GROUP BY 1, 2, 3, 4
    HAVING sum(d.delta) <> 0
    ON CONFLICT (grain, period_start, mission_id, state)
      DO UPDATE SET files = dashboard_file_states.files + EXCLUDED.files
  )
  INSERT INTO dashboard_processing (grain, period_start, mission_id, service_code, bucket_hours, files)
  SELECT g.grain, dashboard_period_start(g.grain, s.at), s.mission_id, s.file_service_code,
         dashboard_bucket_hours(s.processing_ms), count(*)
    FROM stops s CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
   GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (grain, period_start, mission_id, service_code, bucket_hours)
    DO UPDATE SET files = dashboard_processing.files + EXCLUDED.files;
$$;

-- Each event is read once, into its day; the batch's days are then summed into months too.
CREATE FUNCTION dashboard_apply_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dashboard_counts (grain, period_start, mission_id, kind, currency, events, value_sum)
  SELECT g.grain, CASE WHEN g.grain = 'd' THEN d.day ELSE date_trunc('month', d.day::timestamp)::date END,
         d.mission_id, d.kind, d.currency, sum(d.events), sum(d.value_sum)
    FROM (SELECT (n.at AT TIME ZONE 'UTC')::date AS day, n.mission_id, n.kind,
                 dashboard_currency(n.kind, n.data) AS currency, count(*) AS events,
                 sum(dashboard_value(n.kind, n.data)) AS value_sum
            FROM added_events n
           GROUP BY 1, 2, 3, 4) AS d
   CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
   GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (grain, period_start, mission_id, kind, currency) DO UPDATE
    SET events = dashboard_counts.events + EXCLUDED.events,
        value_sum = dashboard_counts.value_sum + EXCLUDED.value_sum;
  PERFORM dashboard_apply_file_events(ARRAY(
    SELECT n::mission_events FROM added_events n WHERE n.kind IN ('file.opened', 'file.transitioned')));
  RETURN NULL;
END
$$;

CREATE TRIGGER mission_events_dashboards AFTER INSERT ON mission_events
  REFERENCING NEW TABLE AS added_events
  FOR EACH STATEMENT EXECUTE FUNCTION dashboard_apply_events();

-- Events held before this migration count too. Files a month at a time, in time order: the same
-- as one batch, without building one array of every file event ever held.
INSERT INTO dashboard_counts (grain, period_start, mission_id, kind, currency, events, value_sum)
SELECT g.grain, dashboard_period_start(g.grain, n.at), n.mission_id, n.kind,
       dashboard_currency(n.kind, n.data), count(*), sum(dashboard_value(n.kind, n.data))
  FROM mission_events n CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
 GROUP BY 1, 2, 3, 4, 5;
DO $$
DECLARE
  month timestamptz;
BEGIN
  FOR month IN SELECT DISTINCT date_trunc('month', at) FROM mission_events
                WHERE kind IN ('file.opened', 'file.transitioned') ORDER BY 1 LOOP
    PERFORM dashboard_apply_file_events(ARRAY(
      SELECT n FROM mission_events n
       WHERE n.kind IN ('file.opened', 'file.transitioned') AND date_trunc('month', n.at) = month));
  END LOOP;
END
$$;
