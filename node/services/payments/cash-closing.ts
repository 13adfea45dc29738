import { randomUUID } from 'node:crypto';
import { immediateTransaction } from '../../db/transaction.js';
import { type CashClosing, insertClosing, selectClosings } from './cash-closing-rows.js';
import { PaymentError, PaymentErrorCode } from './errors.js';
import { MoneyEvent, recordMoneyChange } from './money-records.js';
import { businessDate, type PaymentContext } from './payment-context.js';
import {
  type CashDayInput,
  type CloseCashDayInput,
  type ClosingsQuery,
  cashDaySchema,
  closeCashDaySchema,
  closingsQuerySchema,
} from './payment-schema.js';

/** The cash a cashbox should hold for one day and currency. */
export interface CashDaySummary {
  readonly businessDate: string;
  readonly currency: string;
  readonly cashbox: string;
  readonly paymentsMinor: number;
  readonly paymentCount: number;
  readonly refundsMinor: number;
  readonly refundCount: number;
  /** Payments less refunds: what the drawer should hold from the day's movements. */
  readonly expectedMinor: number;
  readonly closing: CashClosing | undefined;
}

/** The day's cash movements of a cashbox in one currency. */
export function cashDaySummary(ctx: PaymentContext, input: CashDayInput): CashDaySummary {
  const day = cashDaySchema.parse(input);
  const total = (table: 'payments' | 'refunds') =>
    ctx.store.db
      .prepare(
        `SELECT coalesce(sum(amount_minor), 0) AS amount, count(*) AS n FROM ${table}
         WHERE method = 'cash' AND business_date = ? AND currency = ? AND cashbox = ?`,
      )
      .get(day.businessDate, day.currency, day.cashbox) as { amount: number; n: number };
  const paid = total('payments');
  const refunded = total('refunds');
  return {
    ...day,
    paymentsMinor: paid.amount,
    paymentCount: paid.n,
    refundsMinor: refunded.amount,
    refundCount: refunded.n,
    expectedMinor: paid.amount - refunded.amount,
    closing: selectClosings(ctx, 'business_date = ? AND currency = ? AND cashbox = ?', [
      day.businessDate,
      day.currency,
      day.cashbox,
    ])[0],
  };
}

/**
 * Closes a cashbox's day for a currency against the counted cash. A count that differs from the
 * expected amount is refused unless a note explains it; it is then recorded as a discrepancy, which
 * the consul's list shows. Once closed, the day takes no more cash payments or refunds.
 */
export function closeCashDay(ctx: PaymentContext, input: CloseCashDayInput, actor: string): CashClosing {
  const valid = closeCashDaySchema.parse(input);
  const now = ctx.now();
  if (valid.businessDate > businessDate(now, ctx.timeZone))
    throw new PaymentError(PaymentErrorCode.FutureDay, `${valid.businessDate} has not begun`);
  return immediateTransaction(ctx.store.db, (): CashClosing => {
    const summary = cashDaySummary(ctx, {
      businessDate: valid.businessDate,
      currency: valid.currency,
      cashbox: valid.cashbox,
    });
    if (summary.closing) throw new PaymentError(PaymentErrorCode.AlreadyClosed, 'this day is already closed');
    const differenceMinor = valid.countedMinor - summary.expectedMinor;
    if (differenceMinor !== 0 && valid.note === undefined)
      throw new PaymentError(
        PaymentErrorCode.ClosingUnbalanced,
        'the count does not balance: recount, or explain',
        {
          expectedMinor: summary.expectedMinor,
          countedMinor: valid.countedMinor,
          differenceMinor,
        },
      );
    const closing = newClosing(valid, summary.expectedMinor, actor, now);
    insertClosing(ctx, closing);
    recordClosing(ctx, closing);
    return closing;
  });
}

/** Closings, newest day first: the consul filters on `discrepancy`. */
export function listClosings(ctx: PaymentContext, query: ClosingsQuery = {}): CashClosing[] {
  const valid = closingsQuerySchema.parse(query);
  const filters = [
    ['status = ?', valid.status],
    ['business_date >= ?', valid.from],
    ['business_date <= ?', valid.to],
  ].filter((filter): filter is [string, string] => filter[1] !== undefined);
  const where = ['1 = 1', ...filters.map(([clause]) => clause)];
  const params: unknown[] = filters.map(([, value]) => value);
  return selectClosings(ctx, `${where.join(' AND ')} ORDER BY business_date DESC, cashbox LIMIT ?`, [
    ...params,
    valid.limit,
  ]);
}

/** Days with cash movements and no closing yet, oldest first: the consul chases them. */
export function unclosedCashDays(
  ctx: PaymentContext,
): { businessDate: string; currency: string; cashbox: string }[] {
  return ctx.store.db
    .prepare(
      `SELECT business_date AS businessDate, currency, cashbox FROM payments WHERE method = 'cash'
       UNION SELECT business_date, currency, cashbox FROM refunds WHERE method = 'cash'
       EXCEPT SELECT business_date, currency, cashbox FROM cash_closings
       ORDER BY 1, 2, 3`,
    )
    .all() as { businessDate: string; currency: string; cashbox: string }[];
}

function newClosing(
  valid: ReturnType<typeof closeCashDaySchema.parse>,
  expectedMinor: number,
  actor: string,
  now: Date,
): CashClosing {
  const differenceMinor = valid.countedMinor - expectedMinor;
  return {
    id: randomUUID(),
    businessDate: valid.businessDate,
    currency: valid.currency,
    cashbox: valid.cashbox,
    expectedMinor,
    countedMinor: valid.countedMinor,
    differenceMinor,
    status: differenceMinor === 0 ? 'balanced' : 'discrepancy',
    note: valid.note,
    closedBy: actor,
    closedAt: now.toISOString(),
  };
}

// The event carries the amounts for the hub's dashboards; the note stays at the mission.
function recordClosing(ctx: PaymentContext, closing: CashClosing): void {
  const { note: _note, id: _id, closedBy: _by, ...facts } = closing;
  recordMoneyChange(ctx, {
    kind: MoneyEvent.CashClosed,
    entity: 'cash_closing',
    entityId: closing.id,
    actor: closing.closedBy,
    at: closing.closedAt,
    after: { ...facts, note: closing.note ?? null },
    data: facts,
  });
}
