import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { DEFAULT_CASHBOX, invoiceFromCatalogue, receiptData } from '../../staff/money-view.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import { missionToday } from '../../staff/staff-clock.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const currency = z.string().regex(/^[A-Z]{3}$/);
const cashbox = z.string().regex(/^[A-Za-z0-9._:@-]{1,60}$/);
const amountMinor = z.int().min(1).max(1_000_000_000_000);
const idParams = z.strictObject({ id: z.uuid() });

/** Invoices from the catalogue's fees, cash payments, receipts, refunds and the daily closing. */
export async function staffPaymentRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { payments, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const canRead = requireStaff(staff, 'payments.read');

  api.post(
    '/invoices',
    {
      preHandler: requireStaff(staff, 'payments.record'),
      schema: {
        body: z.strictObject({
          serviceCode: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
          currency,
          fileId: z.uuid().optional(),
          personId: z.uuid().optional(),
        }),
      },
    },
    async (request, reply) => {
      const invoice = invoiceFromCatalogue(deps, request.body, principalOf(request).username);
      return reply.status(201).send(invoice);
    },
  );

  api.get('/invoices/:id', { preHandler: canRead, schema: { params: idParams } }, async (request) => {
    const invoice = payments.getInvoice(request.params.id);
    if (!invoice) throw new ApiError('not_found', 'no such invoice');
    return { invoice, payments: payments.paymentsOfInvoice(invoice.id) };
  });

  api.post(
    '/payments/cash',
    {
      preHandler: requireStaff(staff, 'payments.record'),
      schema: {
        body: z.strictObject({
          invoiceId: z.uuid(),
          amountMinor,
          currency,
          cashbox: cashbox.default(DEFAULT_CASHBOX),
        }),
      },
    },
    async (request, reply) => {
      const payment = payments.recordCashPayment(request.body, principalOf(request).username);
      return reply.status(201).send(payment);
    },
  );

  api.get('/payments/:id/receipt', { preHandler: canRead, schema: { params: idParams } }, async (request) => {
    const receipt = receiptData(deps, request.params.id);
    if (!receipt) throw new ApiError('not_found', 'no such payment');
    return receipt;
  });

  api.post(
    '/refunds',
    {
      preHandler: requireStaff(staff, 'payments.refund'),
      schema: {
        body: z.strictObject({
          paymentId: z.uuid(),
          amountMinor,
          currency,
          reason: z.string().trim().min(3).max(500),
          method: z.enum(['cash', 'provider']),
          cashbox: cashbox.optional(),
        }),
      },
    },
    async (request, reply) => {
      const refund = payments.recordRefund(request.body, principalOf(request).username);
      if (refund.method !== 'provider') return reply.status(201).send(refund);
      // Recorded first, sent after the commit: a failure leaves the refund to send again (/send).
      const providerRefund = await payments.trySendProviderRefund(refund.id);
      return reply.status(201).send({ ...refund, providerRefund });
    },
  );

  api.post(
    '/refunds/:id/send',
    { preHandler: requireStaff(staff, 'payments.refund'), schema: { params: idParams } },
    async (request, reply) => {
      const sending = await payments.trySendProviderRefund(request.params.id);
      if (sending.sent) return sending;
      if (sending.reason === 'not_sendable')
        throw new ApiError('conflict', 'this refund is not made through a provider');
      // The provider's failure, said as it is (its name, the call, its status: never a key).
      return reply.status(502).send(sending);
    },
  );

  const dayQuery = z.strictObject({
    businessDate: z.iso.date().optional(),
    currency,
    cashbox: cashbox.default(DEFAULT_CASHBOX),
  });
  api.get('/cash/day', { preHandler: canRead, schema: { querystring: dayQuery } }, async (request) =>
    payments.cashDaySummary({
      ...request.query,
      businessDate: request.query.businessDate ?? missionToday(deps),
    }),
  );

  api.post(
    '/cash/closings',
    {
      preHandler: requireStaff(staff, 'payments.close_day'),
      schema: {
        body: z.strictObject({
          businessDate: z.iso.date(),
          currency,
          cashbox: cashbox.default(DEFAULT_CASHBOX),
          countedMinor: z.int().min(0).max(1_000_000_000_000),
          note: z.string().trim().min(3).max(1000).optional(),
        }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(payments.closeCashDay(request.body, principalOf(request).username)),
  );

  api.get('/cash/closings', { preHandler: canRead }, async () => ({
    closings: payments.listClosings(),
    unclosed: payments.unclosedCashDays(),
  }));
}
