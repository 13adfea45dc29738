import type { PaymentContext } from '../payment-context.js';

/**
 * A day's online money for one provider and currency: what the node recorded, and what the
 * provider's reports settle for that day (each transaction counted once, whatever the imports).
 */
export interface OnlineDayTotal {
  readonly provider: string;
  readonly currency: string;
  readonly recordedCount: number;
  readonly recordedMinor: number;
  readonly settledCount: number;
  readonly grossMinor: number;
  readonly feeMinor: number;
  readonly netMinor: number;
  /** Whether an imported report covers the day: without one, the settled figures are not known yet. */
  readonly reported: boolean;
  /** Payments of the day no line settles, when a report covers the day. */
  readonly missingCount: number;
  /** Lines of the day for the consul: a wrong amount, an unknown reference, a duplicate. */
  readonly problemCount: number;
}

/** The online payments of a mission day per provider and currency, beside the reports' figures. */
export function onlineDayTotals(ctx: PaymentContext, businessDate: string): OnlineDayTotal[] {
  return ctx.store.db
    .prepare(
      `WITH recorded AS (
         SELECT provider, currency, count(*) AS n, sum(amount_minor) AS amount,
           sum(NOT EXISTS (SELECT 1 FROM settlement_lines s WHERE s.payment_id = p.id
             AND s.outcome IN ('matched', 'amount_mismatch'))) AS unsettled
         FROM payments p WHERE method = 'online' AND business_date = ? GROUP BY provider, currency),
       settled AS (
         SELECT provider, currency,
           sum(outcome IN ('matched', 'amount_mismatch')) AS n,
           sum(CASE WHEN outcome IN ('matched', 'amount_mismatch') THEN gross_minor ELSE 0 END) AS gross,
           sum(CASE WHEN outcome IN ('matched', 'amount_mismatch') THEN fee_minor ELSE 0 END) AS fee,
           sum(CASE WHEN outcome IN ('matched', 'amount_mismatch') THEN net_minor ELSE 0 END) AS net,
           sum(outcome IN ('amount_mismatch', 'unknown_reference', 'duplicate')) AS problems
         FROM settlement_lines WHERE business_date = ? GROUP BY provider, currency),
       keys AS (SELECT provider, currency FROM recorded UNION SELECT provider, currency FROM settled)
       SELECT k.provider, k.currency,
         coalesce(r.n, 0) AS recordedCount, coalesce(r.amount, 0) AS recordedMinor,
         coalesce(s.n, 0) AS settledCount, coalesce(s.gross, 0) AS grossMinor,
         coalesce(s.fee, 0) AS feeMinor, coalesce(s.net, 0) AS netMinor,
         EXISTS (SELECT 1 FROM settlement_imports i WHERE i.provider = k.provider
           AND ? BETWEEN i.first_day AND i.last_day) AS reported,
         coalesce(r.unsettled, 0) AS unsettled, coalesce(s.problems, 0) AS problemCount
       FROM keys k LEFT JOIN recorded r USING (provider, currency) LEFT JOIN settled s USING (provider, currency)
       ORDER BY k.provider, k.currency`,
    )
    .all(businessDate, businessDate, businessDate)
    .map((row) => {
      const { unsettled, reported, ...rest } = row as Omit<OnlineDayTotal, 'reported' | 'missingCount'> & {
        unsettled: number;
        reported: number;
      };
      return { ...rest, reported: reported === 1, missingCount: reported === 1 ? unsettled : 0 };
    });
}
