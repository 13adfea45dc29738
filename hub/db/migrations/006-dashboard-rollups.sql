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

CREATE FUNCTION dashboard_bump_state(mission text, opened date, file_state text, delta integer)
  RETURNS void LANGUAGE sql AS $$
  INSERT INTO dashboard_file_states (grain, period_start, mission_id, state, files)
  SELECT g.grain, CASE WHEN g.grain = 'd' THEN opened ELSE date_trunc('month', opened::timestamp)::date END,
         mission, file_state, delta
    FROM (VALUES ('d'), ('m')) AS g(grain)
  ON CONFLICT (grain, period_start, mission_id, state)
    DO UPDATE SET files = dashboard_file_states.files + EXCLUDED.files
$$;

CREATE FUNCTION dashboard_record_processing(mission text, service text, stopped timestamptz, ms bigint)
  RETURNS void LANGUAGE sql AS $$
  INSERT INTO dashboard_processing (grain, period_start, mission_id, service_code, bucket_hours, files)
  SELECT g.grain, dashboard_period_start(g.grain, stopped), mission, service, dashboard_bucket_hours(ms), 1
    FROM (VALUES ('d'), ('m')) AS g(grain)
  ON CONFLICT (grain, period_start, mission_id, service_code, bucket_hours)
    DO UPDATE SET files = dashboard_processing.files + 1
$$;

-- file.opened {serviceCode, state} and file.transitioned {serviceCode, from, to}, in time order.
CREATE FUNCTION dashboard_apply_file_event(mission text, file text, kind text, at timestamptz, data jsonb)
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  f dashboard_files%ROWTYPE;
  next_state text := CASE WHEN kind = 'file.opened' THEN data->>'state' ELSE data->>'to' END;
  service text := left(COALESCE(data->>'serviceCode', ''), 60);
BEGIN
  IF next_state IS NULL OR NOT dashboard_is_file_state(next_state) THEN RETURN; END IF;
  SELECT * INTO f FROM dashboard_files WHERE mission_id = mission AND file_id = file FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO dashboard_files (mission_id, file_id, service_code, opened_at, opened_day, state, state_at)
    VALUES (mission, file, service, CASE WHEN kind = 'file.opened' THEN at END,
            (at AT TIME ZONE 'UTC')::date, next_state, at);
    PERFORM dashboard_bump_state(mission, (at AT TIME ZONE 'UTC')::date, next_state, 1);
    RETURN;
  END IF;
  -- A second opening, or a move older than the state held, changes nothing.
  IF kind = 'file.opened' OR at < f.state_at THEN RETURN; END IF;
  IF f.state IN ('awaiting_payment', 'awaiting_documents') THEN
    f.waiting_ms := f.waiting_ms + (extract(epoch FROM at - f.state_at) * 1000)::bigint;
  END IF;
  IF f.stopped_at IS NULL AND f.opened_at IS NOT NULL AND next_state IN ('ready', 'rejected', 'delivered') THEN
    f.stopped_at := at;
    f.processing_ms := GREATEST(0, (extract(epoch FROM at - f.opened_at) * 1000)::bigint - f.waiting_ms);
    PERFORM dashboard_record_processing(mission, f.service_code, at, f.processing_ms);
  END IF;
  PERFORM dashboard_bump_state(mission, f.opened_day, f.state, -1);
  PERFORM dashboard_bump_state(mission, f.opened_day, next_state, 1);
  UPDATE dashboard_files
     SET state = next_state, state_at = at, waiting_ms = f.waiting_ms, stopped_at = f.stopped_at,
         processing_ms = f.processing_ms
   WHERE mission_id = mission AND file_id = file;
END
$$;

CREATE FUNCTION dashboard_apply_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  e record;
BEGIN
  INSERT INTO dashboard_counts (grain, period_start, mission_id, kind, currency, events, value_sum)
  SELECT g.grain, dashboard_period_start(g.grain, n.at), n.mission_id, n.kind,
         dashboard_currency(n.kind, n.data), count(*), sum(dashboard_value(n.kind, n.data))
    FROM added_events n CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
   GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (grain, period_start, mission_id, kind, currency) DO UPDATE
    SET events = dashboard_counts.events + EXCLUDED.events,
        value_sum = dashboard_counts.value_sum + EXCLUDED.value_sum;
  FOR e IN SELECT mission_id, entity_id, kind, at, data FROM added_events
            WHERE kind IN ('file.opened', 'file.transitioned') ORDER BY at, event_id LOOP
    PERFORM dashboard_apply_file_event(e.mission_id, e.entity_id, e.kind, e.at, e.data);
  END LOOP;
  RETURN NULL;
END
$$;

CREATE TRIGGER mission_events_dashboards AFTER INSERT ON mission_events
  REFERENCING NEW TABLE AS added_events
  FOR EACH STATEMENT EXECUTE FUNCTION dashboard_apply_events();

-- Events held before this migration count too.
INSERT INTO dashboard_counts (grain, period_start, mission_id, kind, currency, events, value_sum)
SELECT g.grain, dashboard_period_start(g.grain, n.at), n.mission_id, n.kind,
       dashboard_currency(n.kind, n.data), count(*), sum(dashboard_value(n.kind, n.data))
  FROM mission_events n CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
 GROUP BY 1, 2, 3, 4, 5;
DO $$
DECLARE
  e record;
BEGIN
  FOR e IN SELECT mission_id, entity_id, kind, at, data FROM mission_events
            WHERE kind IN ('file.opened', 'file.transitioned') ORDER BY at, event_id LOOP
    PERFORM dashboard_apply_file_event(e.mission_id, e.entity_id, e.kind, e.at, e.data);
  END LOOP;
END
$$;
