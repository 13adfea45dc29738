import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseTypedAmount } from '../../../common/money/index.js';
import { ApiError } from '../errors.js';
import { DEFAULT_CASHBOX } from '../staff/money-view.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done } from './page-render.js';

const refundForm = z.strictObject({
  _csrf: z.string().max(200),
  /** As the agent reads money (`25 000`, `60,50`); turned into minor units without a float. */
  amount: z.string().trim().min(1).max(30),
  reason: z.string().trim().min(3).max(500),
  cashbox: z
    .string()
    .regex(/^[A-Za-z0-9._:@-]{1,60}$/)
    .optional(),
});

/**
 * A refund of a payment, from the invoice page. The way back follows the way in: a cash payment is
 * refunded in cash out of an open cashbox day (counted at its closing), an online one through its
 * provider (sent through its API once recorded; again from the invoice after a failure, never made
 * twice). Only the consul refunds (`payments.refund`); the payments service refuses more than
 * what is left of the payment and records the audit entry and the voucher number.
 */
export async function refundPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { payments } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.post(
    '/paiements/:id/remboursement',
    {
      schema: { hide: true, params: z.strictObject({ id: z.uuid() }), body: refundForm },
      preHandler: [pageGuard(deps, 'payments.refund'), app.csrfProtection],
    },
    async (request, reply) => {
      const payment = payments.getPayment(request.params.id);
      if (!payment) throw new ApiError('not_found', 'no such payment');
      const amountMinor = parseTypedAmount(request.body.amount, payment.currency);
      if (amountMinor === undefined || amountMinor < 1)
        throw new ApiError('invalid_request', 'the refund amount is not an amount');
      const cash = payment.method === 'cash';
      const refund = payments.recordRefund(
        {
          paymentId: payment.id,
          amountMinor,
          currency: payment.currency,
          reason: request.body.reason,
          method: cash ? 'cash' : 'provider',
          ...(cash ? { cashbox: request.body.cashbox ?? payment.cashbox ?? DEFAULT_CASHBOX } : {}),
        },
        pagePrincipal(request).username,
      );
      if (cash) return done(reply, `/factures/${payment.invoiceId}`, 'refunded');
      // Committed before the provider is called: a failure leaves it recorded, to send again.
      return done(reply, `/factures/${payment.invoiceId}`, FLASH_OF[await sendingOf(refund.id)]);
    },
  );

  pages.post(
    '/remboursements/:id/envoi',
    {
      schema: { hide: true, params: z.strictObject({ id: z.uuid() }), body: sendForm },
      preHandler: [pageGuard(deps, 'payments.refund'), app.csrfProtection],
    },
    async (request, reply) => {
      const outcome = await sendingOf(request.params.id);
      return done(reply, `/factures/${request.body.invoice}`, FLASH_OF[outcome]);
    },
  );

  async function sendingOf(refundId: string): Promise<'sent' | 'not_sendable' | 'provider_error'> {
    const sending = await payments.trySendProviderRefund(refundId);
    return sending.sent ? 'sent' : sending.reason;
  }
}

const sendForm = z.strictObject({ _csrf: z.string().max(200), invoice: z.uuid() });

/** The confirmation shown on the invoice for each outcome of sending a refund to its provider. */
const FLASH_OF = {
  sent: 'refund_sent',
  not_sendable: 'refund_manual',
  provider_error: 'refund_not_sent',
} as const;
