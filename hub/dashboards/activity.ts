import { AppointmentEvents, FileEvents, MoneyEvents, SurveyEvents } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';
import type { Period } from './period.js';
import { type ProviderRevenueFigures, revenueByProvider } from './revenue-providers.js';
import { rollupWhere } from './rollup-range.js';

/** Event kinds the activity figures read, from the protocol's vocabulary. */
export const ActivityKind = {
  Booked: AppointmentEvents.Booked,
  CheckedIn: AppointmentEvents.CheckedIn,
  NoShow: AppointmentEvents.NoShow,
  Cancelled: AppointmentEvents.Cancelled,
  FileOpened: FileEvents.Opened,
  PaymentRecorded: MoneyEvents.PaymentRecorded,
  RefundRecorded: MoneyEvents.RefundRecorded,
  /** A satisfaction answer of the portal: `data.rating` from 1 to 5. */
  SurveyAnswered: SurveyEvents.Answered,
} as const;

/** Appointments of a period: booked, honoured (checked in) and missed. */
export interface AppointmentFigures {
  readonly booked: number;
  readonly honoured: number;
  readonly noShow: number;
  readonly cancelled: number;
  /** Missed among those that came due (honoured + missed); null when none came due. */
  readonly noShowRate: number | null;
}

/** Money of one currency, in minor units. */
export interface RevenueFigures {
  readonly currency: string;
  readonly collectedMinor: number;
  readonly refundedMinor: number;
  readonly netMinor: number;
  readonly payments: number;
}

/** Satisfaction answers and their mean rating (1 to 5). */
export interface SatisfactionFigures {
  readonly answers: number;
  readonly average: number | null;
}

/** What one mission (or the network) did in a period. */
export interface ActivityFigures {
  readonly appointments: AppointmentFigures;
  readonly filesOpened: number;
  readonly revenue: readonly RevenueFigures[];
  /** The same money split by provider (`cash`, `stripe`, `momo`…) and currency. */
  readonly revenueByProvider: readonly ProviderRevenueFigures[];
  readonly satisfaction: SatisfactionFigures;
}

interface CountRow {
  mission_id: string;
  kind: string;
  currency: string;
  events: number;
  value_sum: number;
}

/** Activity per mission and for the whole scope, from the daily and monthly rollups. */
export async function activityFigures(
  db: Queryable,
  period: Period,
  missionId?: string,
): Promise<{ total: ActivityFigures; byMission: Map<string, ActivityFigures> }> {
  const where = rollupWhere(period, missionId);
  const [rows, providers] = await Promise.all([
    db.query<CountRow>(
      `SELECT mission_id, kind, currency, sum(events)::bigint AS events, sum(value_sum)::bigint AS value_sum
         FROM dashboard_counts WHERE ${where.sql} AND kind = ANY($6::text[])
        GROUP BY mission_id, kind, currency`,
      [...where.params, `{${Object.values(ActivityKind).join(',')}}`],
    ),
    revenueByProvider(db, period, missionId),
  ]);
  const byMission = new Map<string, CountRow[]>();
  for (const row of rows) byMission.set(row.mission_id, [...(byMission.get(row.mission_id) ?? []), row]);
  return {
    total: { ...summarise(rows), revenueByProvider: providers.total },
    byMission: new Map(
      [...byMission].map(([id, own]) => [
        id,
        { ...summarise(own), revenueByProvider: providers.byMission.get(id) ?? [] },
      ]),
    ),
  };
}

function summarise(rows: readonly CountRow[]): Omit<ActivityFigures, 'revenueByProvider'> {
  const count = (kind: string) =>
    sumOf(
      rows.filter((row) => row.kind === kind),
      'events',
    );
  const honoured = count(ActivityKind.CheckedIn);
  const noShow = count(ActivityKind.NoShow);
  const survey = rows.filter((row) => row.kind === ActivityKind.SurveyAnswered);
  const answers = sumOf(survey, 'events');
  return {
    appointments: {
      booked: count(ActivityKind.Booked),
      honoured,
      noShow,
      cancelled: count(ActivityKind.Cancelled),
      noShowRate: honoured + noShow === 0 ? null : noShow / (honoured + noShow),
    },
    filesOpened: count(ActivityKind.FileOpened),
    revenue: revenueOf(rows),
    satisfaction: { answers, average: answers === 0 ? null : sumOf(survey, 'value_sum') / answers },
  };
}

function revenueOf(rows: readonly CountRow[]): RevenueFigures[] {
  const currencies = [...new Set(rows.filter((row) => row.currency !== '').map((row) => row.currency))];
  return currencies.sort().map((currency) => {
    const of = (kind: string) => rows.filter((row) => row.kind === kind && row.currency === currency);
    const collectedMinor = sumOf(of(ActivityKind.PaymentRecorded), 'value_sum');
    const refundedMinor = sumOf(of(ActivityKind.RefundRecorded), 'value_sum');
    return {
      currency,
      collectedMinor,
      refundedMinor,
      netMinor: collectedMinor - refundedMinor,
      payments: sumOf(of(ActivityKind.PaymentRecorded), 'events'),
    };
  });
}

function sumOf(rows: readonly CountRow[], column: 'events' | 'value_sum'): number {
  return rows.reduce((sum, row) => sum + Number(row[column]), 0);
}
