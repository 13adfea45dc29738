import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseTypedAmount } from '../../../common/money/index.js';
import { can } from '../../services/staff/index.js';
import { ApiError } from '../errors.js';
import { DEFAULT_CASHBOX, formatMoney, receiptData } from '../staff/money-view.js';
import { missionTime, missionToday } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';
import { refundableOf } from './refund-view.js';
import { onlineTotalsView } from './settlement-view.js';
import { smsSection } from './sms-view.js';

const idParams = z.strictObject({ id: z.uuid() });
const csrfField = z.string().max(200);
const currency = z.string().regex(/^[A-Z]{3}$/);
const cashbox = z.string().regex(/^[A-Za-z0-9._:@-]{1,60}$/);

/** An invoice with its cash payment form, the printable receipt, and the daily cash closing. */
export async function paymentPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { payments } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const canRead = pageGuard(deps, 'payments.read');

  pages.get(
    '/factures/:id',
    {
      schema: {
        hide: true,
        params: idParams,
        querystring: z.strictObject({ ok: z.string().max(20).optional() }),
      },
      preHandler: canRead,
    },
    async (request, reply) => {
      const invoice = payments.getInvoice(request.params.id);
      if (!invoice) throw new ApiError('not_found', 'no such invoice');
      const money = (minor: number) => formatMoney(minor, invoice.currency);
      const mayRefund = can(pagePrincipal(request), 'payments.refund');
      return renderPage(request, reply, 'invoice', {
        title: 'Facture',
        invoice: { ...invoice, total: money(invoice.totalMinor), refunded: money(invoice.refundedMinor) },
        lines: invoice.lines.map((line) => ({ ...line, amount: money(line.amountMinor) })),
        payments: payments.paymentsOfInvoice(invoice.id).map((payment) => ({
          ...payment,
          amount: money(payment.amountMinor),
          ...refundableOf(payment, mayRefund),
        })),
        refunds: deps.domain.payments.refundsOfInvoice(invoice.id).map((refund) => ({
          ...refund,
          amount: money(refund.amountMinor),
          when: missionTime(deps, refund.recordedAt),
        })),
        cashbox: DEFAULT_CASHBOX,
        canSendRefunds: mayRefund,
        canRecordCash: can(pagePrincipal(request), 'payments.record'),
        ...smsSection(deps, pagePrincipal(request), invoice.id),
      });
    },
  );

  pages.post(
    '/factures/:id/paiement',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({
          _csrf: csrfField,
          amountMinor: z.coerce.number().int().min(1),
          currency,
          cashbox,
        }),
      },
      preHandler: [pageGuard(deps, 'payments.record'), app.csrfProtection],
    },
    async (request, reply) => {
      const { _csrf: _token, ...input } = request.body;
      const payment = payments.recordCashPayment(
        { invoiceId: request.params.id, ...input },
        pagePrincipal(request).username,
      );
      return reply.redirect(`/staff/recus/${payment.id}`, 303);
    },
  );

  pages.get(
    '/recus/:id',
    { schema: { hide: true, params: idParams }, preHandler: canRead },
    async (request, reply) => {
      const receipt = receiptData(deps, request.params.id);
      if (!receipt) throw new ApiError('not_found', 'no such payment');
      const lines = receipt.lines.map((line) => ({
        ...line,
        amount: formatMoney(line.amountMinor, receipt.currency),
      }));
      return renderPage(request, reply, 'receipt', {
        title: `Reçu ${receipt.receiptNumber}`,
        receipt,
        lines,
      });
    },
  );

  pages.get(
    '/caisse',
    {
      schema: {
        hide: true,
        querystring: z.strictObject({
          date: z.iso.date().optional(),
          caisse: cashbox.optional(),
          ok: z.string().max(20).optional(),
        }),
      },
      preHandler: canRead,
    },
    async (request, reply) => {
      const businessDate = request.query.date ?? missionToday(deps);
      const box = request.query.caisse ?? DEFAULT_CASHBOX;
      const days = [...new Set(['XAF', deps.config.hostCurrency])].map((code) => {
        const summary = payments.cashDaySummary({ businessDate, currency: code, cashbox: box });
        const money = (minor: number) => formatMoney(minor, code);
        const refundList = deps.domain.payments.cashRefundsOfDay({
          businessDate,
          currency: code,
          cashbox: box,
        });
        return {
          ...summary,
          payments: money(summary.paymentsMinor),
          refunds: money(summary.refundsMinor),
          expected: money(summary.expectedMinor),
          refundList: refundList.map((refund) => ({ ...refund, amount: money(refund.amountMinor) })),
        };
      });
      return renderPage(request, reply, 'cash', {
        title: 'Caisse du jour',
        businessDate,
        cashbox: box,
        days,
        online: onlineTotalsView(payments.onlineDayTotals(businessDate)),
      });
    },
  );

  pages.post(
    '/caisse/cloture',
    {
      schema: {
        hide: true,
        body: z.strictObject({
          _csrf: csrfField,
          businessDate: z.iso.date(),
          currency,
          cashbox,
          counted: z.string().max(30),
          note: z.string().trim().max(1000),
        }),
      },
      preHandler: [pageGuard(deps, 'payments.close_day'), app.csrfProtection],
    },
    async (request, reply) => {
      const { businessDate, currency: code, cashbox: box, counted, note } = request.body;
      const countedMinor = parseTypedAmount(counted, code);
      if (countedMinor === undefined)
        throw new ApiError('invalid_request', 'the counted amount is not an amount');
      payments.closeCashDay(
        { businessDate, currency: code, cashbox: box, countedMinor, ...(note ? { note } : {}) },
        pagePrincipal(request).username,
      );
      return done(reply, `/caisse?date=${businessDate}&caisse=${encodeURIComponent(box)}`, 'closed');
    },
  );
}
