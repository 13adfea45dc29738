import type { Period } from '../../hub/dashboards/period.js';
import type { Queryable } from '../../hub/db/database.js';

/**
 * The same figures as the dashboards, computed from the raw replicas without the rollups: what a
 * dashboard would cost without migration 006. (Processing time here ignores the waiting states,
 * which only makes the baseline cheaper.)
 */
export const RAW_FIGURES: Readonly<Record<string, (db: Queryable, p: Period) => Promise<unknown>>> = {
  appointments: (db, p) =>
    db.query(
      `SELECT kind, count(*) AS n FROM mission_events
        WHERE kind IN ('appointment.booked', 'appointment.checked_in', 'appointment.no_show', 'appointment.cancelled')
          AND at >= $1 AND at < $2 GROUP BY kind`,
      [p.from, p.to],
    ),
  revenue: (db, p) =>
    db.query(
      `SELECT kind, data->>'currency' AS currency, sum((data->>'amountMinor')::bigint) AS total FROM mission_events
        WHERE kind IN ('payment.recorded', 'refund.recorded') AND at >= $1 AND at < $2 GROUP BY 1, 2`,
      [p.from, p.to],
    ),
  'files by state': (db, p) =>
    db.query(
      `SELECT state, count(*) AS n FROM (
         SELECT DISTINCT ON (e.mission_id, e.entity_id) COALESCE(e.data->>'to', e.data->>'state') AS state
           FROM mission_events o JOIN mission_events e
             ON e.mission_id = o.mission_id AND e.entity = 'file' AND e.entity_id = o.entity_id
          WHERE o.kind = 'file.opened' AND o.at >= $1 AND o.at < $2
          ORDER BY e.mission_id, e.entity_id, e.at DESC) AS latest
        GROUP BY state`,
      [p.from, p.to],
    ),
  'processing time': (db, p) =>
    db.query(
      `SELECT service, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) AS p90
         FROM (SELECT o.data->>'serviceCode' AS service, min(t.at) AS stopped,
                      extract(epoch FROM min(t.at) - o.at) * 1000 AS ms
                 FROM mission_events o JOIN mission_events t
                   ON t.mission_id = o.mission_id AND t.entity = 'file' AND t.entity_id = o.entity_id
                  AND t.kind = 'file.transitioned' AND t.data->>'to' IN ('ready', 'rejected', 'delivered')
                WHERE o.kind = 'file.opened'
                GROUP BY o.mission_id, o.entity_id, o.at, o.data->>'serviceCode') AS files
        WHERE stopped >= $1 AND stopped < $2 GROUP BY service`,
      [p.from, p.to],
    ),
};
