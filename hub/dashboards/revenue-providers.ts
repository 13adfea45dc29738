import { MoneyEvents } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';
import type { Period } from './period.js';
import { rollupWhere } from './rollup-range.js';

/** Money of one currency taken through one provider (`cash` at the counter), in minor units. */
export interface ProviderRevenueFigures {
  readonly provider: string;
  readonly currency: string;
  readonly payments: number;
  readonly collectedMinor: number;
  readonly refundedMinor: number;
  readonly netMinor: number;
}

interface ProviderRow {
  mission_id: string;
  kind: string;
  currency: string;
  provider: string;
  events: number | string;
  value_sum: number | string;
}

/** Revenue per provider and currency, per mission and for the whole scope (hub migration 023). */
export async function revenueByProvider(
  db: Queryable,
  period: Period,
  missionId?: string,
): Promise<{ total: ProviderRevenueFigures[]; byMission: Map<string, ProviderRevenueFigures[]> }> {
  const where = rollupWhere(period, missionId);
  const rows = await db.query<ProviderRow>(
    `SELECT mission_id, kind, currency, provider, sum(events)::bigint AS events,
            sum(value_sum)::bigint AS value_sum
       FROM dashboard_revenue_providers WHERE ${where.sql}
      GROUP BY mission_id, kind, currency, provider`,
    where.params,
  );
  const byMission = new Map<string, ProviderRow[]>();
  for (const row of rows) byMission.set(row.mission_id, [...(byMission.get(row.mission_id) ?? []), row]);
  return {
    total: summarise(rows),
    byMission: new Map([...byMission].map(([id, own]) => [id, summarise(own)])),
  };
}

function summarise(rows: readonly ProviderRow[]): ProviderRevenueFigures[] {
  const groups = new Map<string, ProviderRow[]>();
  for (const row of rows) {
    const key = `${row.provider}\u0000${row.currency}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()]
    .map((group) => {
      const sum = (kind: string, column: 'events' | 'value_sum') =>
        group.filter((row) => row.kind === kind).reduce((total, row) => total + Number(row[column]), 0);
      const collectedMinor = sum(MoneyEvents.PaymentRecorded, 'value_sum');
      const refundedMinor = sum(MoneyEvents.RefundRecorded, 'value_sum');
      return {
        provider: group[0]?.provider ?? '',
        currency: group[0]?.currency ?? '',
        payments: sum(MoneyEvents.PaymentRecorded, 'events'),
        collectedMinor,
        refundedMinor,
        netMinor: collectedMinor - refundedMinor,
      };
    })
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.currency.localeCompare(b.currency));
}
