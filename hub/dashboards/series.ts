import type { Queryable } from '../db/database.js';
import { ActivityKind } from './activity.js';
import { dayOf, type Period, periodDays } from './period.js';
import { rollupWhere } from './rollup-range.js';

/** One point of the activity chart. */
export interface SeriesPoint {
  /** First day of the day or month the point covers (`YYYY-MM-DD`). */
  readonly start: string;
  readonly booked: number;
  readonly honoured: number;
  readonly filesOpened: number;
}

/** Activity over time: per day up to three months, per month beyond. */
export interface ActivitySeries {
  readonly step: 'day' | 'month';
  readonly points: readonly SeriesPoint[];
}

const DAILY_UP_TO_DAYS = 92;

/** Bookings, visits and files opened per day or month of the period, empty steps included. */
export async function activitySeries(
  db: Queryable,
  period: Period,
  missionId?: string,
): Promise<ActivitySeries> {
  const step = periodDays(period) <= DAILY_UP_TO_DAYS ? 'day' : 'month';
  const where = rollupWhere(period, missionId);
  const bucket = step === 'day' ? 'period_start' : "date_trunc('month', period_start::timestamp)::date";
  const rows = await db.query<{ start: string; kind: string; events: number }>(
    `SELECT (${bucket})::text AS start, kind, sum(events)::bigint AS events FROM dashboard_counts
      WHERE ${where.sql} AND kind = ANY($6::text[]) GROUP BY 1, 2`,
    [...where.params, `{${ActivityKind.Booked},${ActivityKind.CheckedIn},${ActivityKind.FileOpened}}`],
  );
  const points = new Map(stepsOf(period, step).map((start) => [start, emptyPoint(start)]));
  for (const row of rows) {
    const point = points.get(row.start);
    if (point) points.set(row.start, add(point, row.kind, Number(row.events)));
  }
  return { step, points: [...points.values()] };
}

function add(point: SeriesPoint, kind: string, n: number): SeriesPoint {
  if (kind === ActivityKind.Booked) return { ...point, booked: point.booked + n };
  if (kind === ActivityKind.CheckedIn) return { ...point, honoured: point.honoured + n };
  return { ...point, filesOpened: point.filesOpened + n };
}

function emptyPoint(start: string): SeriesPoint {
  return { start, booked: 0, honoured: 0, filesOpened: 0 };
}

function stepsOf(period: Period, step: 'day' | 'month'): string[] {
  const starts: string[] = [];
  const cursor = new Date(period.from);
  if (step === 'month') cursor.setUTCDate(1);
  while (cursor < period.to) {
    starts.push(dayOf(cursor));
    if (step === 'day') cursor.setUTCDate(cursor.getUTCDate() + 1);
    else cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return starts;
}
