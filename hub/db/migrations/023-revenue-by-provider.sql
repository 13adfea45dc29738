-- The revenue dashboard's split by provider: money events per mission, currency and provider,
-- kept up to date at ingest by a statement trigger like dashboard_counts (006), in the same two
-- grains. A node names the provider of an online payment or refund (`data.provider`: stripe,
-- momo…); a cash one is 'cash'; an online one from a node that did not say yet is 'unknown'.

CREATE TABLE dashboard_revenue_providers (
  grain char(1) NOT NULL CHECK (grain IN ('d', 'm')),
  period_start date NOT NULL,
  mission_id text NOT NULL,
  kind text NOT NULL,
  currency text NOT NULL,
  provider text NOT NULL,
  events bigint NOT NULL,
  value_sum bigint NOT NULL,
  PRIMARY KEY (grain, period_start, mission_id, kind, currency, provider)
);
CREATE INDEX dashboard_revenue_providers_mission
  ON dashboard_revenue_providers (mission_id, grain, period_start);

-- The provider of a money event; untrusted, so only a plain lower-case name is taken.
CREATE FUNCTION dashboard_provider(data jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN data->>'method' = 'cash' THEN 'cash'
    WHEN data->>'provider' ~ '^[a-z][a-z0-9_-]{0,39}$' THEN data->>'provider'
    ELSE 'unknown' END
$$;

-- Adds a batch of mission_events rows to the split: each money event once, into its day and month.
CREATE FUNCTION dashboard_add_revenue_providers(events mission_events[]) RETURNS void
  LANGUAGE sql AS $$
  INSERT INTO dashboard_revenue_providers (grain, period_start, mission_id, kind, currency, provider,
                                           events, value_sum)
  SELECT g.grain, CASE WHEN g.grain = 'd' THEN d.day ELSE date_trunc('month', d.day::timestamp)::date END,
         d.mission_id, d.kind, d.currency, d.provider, sum(d.events), sum(d.value_sum)
    FROM (SELECT (e.at AT TIME ZONE 'UTC')::date AS day, e.mission_id, e.kind,
                 e.data->>'currency' AS currency, dashboard_provider(e.data) AS provider,
                 count(*) AS events, sum(dashboard_value(e.kind, e.data)) AS value_sum
            FROM unnest(events) AS e
           WHERE dashboard_is_money(e.kind, e.data)
           GROUP BY 1, 2, 3, 4, 5) AS d
   CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
   GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (grain, period_start, mission_id, kind, currency, provider) DO UPDATE
    SET events = dashboard_revenue_providers.events + EXCLUDED.events,
        value_sum = dashboard_revenue_providers.value_sum + EXCLUDED.value_sum;
$$;

CREATE FUNCTION dashboard_apply_revenue_providers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dashboard_add_revenue_providers(ARRAY(
    SELECT n::mission_events FROM added_events n WHERE n.kind IN ('payment.recorded', 'refund.recorded')));
  RETURN NULL;
END
$$;

CREATE TRIGGER mission_events_revenue_providers AFTER INSERT ON mission_events
  REFERENCING NEW TABLE AS added_events
  FOR EACH STATEMENT EXECUTE FUNCTION dashboard_apply_revenue_providers();

-- The money events already replicated, counted once.
SELECT dashboard_add_revenue_providers(ARRAY(
  SELECT e FROM mission_events e WHERE e.kind IN ('payment.recorded', 'refund.recorded')));
