import type { Queryable, SqlParam } from '../db/database.js';
import { splitAtDays } from './day-split.js';
import { rollupWhere } from './rollup-range.js';

/** How many events of one kind the missions sent. */
export interface KindCount {
  readonly kind: string;
  readonly events: number;
}

// PostgreSQL reads no `YYYY-MM-DD` before year 1: what a span holds before it is counted from the
// events alone (a start no mission's event can have; the answer stays what the events say).
const FIRST_DAY = new Date('0001-01-01T00:00:00.000Z');

/**
 * Events per kind over [from, to), any two instants, by kind in the database's order: the whole
 * UTC days from the daily and monthly rollups, the partial days at either edge from the events
 * themselves. Exactly the count of the events, at the cost of a few days of them at most.
 */
export async function eventCountsByKind(db: Queryable, from: Date, to: Date): Promise<KindCount[]> {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  // Binds values as the next parameters; returns their placeholders.
  const bind = (...values: SqlParam[]) => values.map((value) => `$${params.push(value)}`);
  if (from < FIRST_DAY) {
    const [since, until] = bind(from, to < FIRST_DAY ? to : FIRST_DAY);
    parts.push(`SELECT kind, count(*) AS events FROM mission_events
      WHERE at >= ${since} AND at < ${until} GROUP BY kind`);
  }
  const { wholeDays, partialDays } = splitAtDays(from < FIRST_DAY ? FIRST_DAY : from, to);
  if (wholeDays.from < wholeDays.to) {
    const where = rollupWhere(wholeDays, undefined, params.length + 1);
    parts.push(`SELECT kind, sum(events) AS events FROM dashboard_counts WHERE ${where.sql} GROUP BY kind`);
    params.push(...where.params);
  }
  for (const partial of partialDays) {
    const [day, start, end] = bind(partial.day, partial.from, partial.to);
    // The day's rollup names the kinds it holds: each is then one range of the (kind, at) index,
    // where a range of `at` alone would read every event of the table.
    parts.push(`SELECT e.kind, count(*) AS events
       FROM (SELECT DISTINCT kind FROM dashboard_counts WHERE grain = 'd' AND period_start = ${day}::date) AS k
       JOIN mission_events e ON e.kind = k.kind AND e.at >= ${start} AND e.at < ${end}
      GROUP BY e.kind`);
  }
  if (parts.length === 0) return [];
  const rows = await db.query<{ kind: string; events: number }>(
    `SELECT kind, sum(events)::bigint AS events FROM (${parts.join(' UNION ALL ')}) AS counted
      GROUP BY kind ORDER BY kind`,
    params,
  );
  return rows.map((row) => ({ kind: row.kind, events: Number(row.events) }));
}
