import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PaymentError, PaymentErrorCode } from '../../../services/payments/errors.js';
import { MAX_SETTLEMENT_BYTES } from '../../../services/payments/settlements/settlement-import.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const idParams = z.strictObject({ id: z.uuid() });

/** `POST /settlements`: a provider's report as text, in JSON (the staff API takes JSON only). */
const uploadBody = z.strictObject({
  provider: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/),
  csv: z.string().min(1).max(MAX_SETTLEMENT_BYTES),
  fileName: z.string().trim().max(200).optional(),
});

/**
 * Providers' settlement reports: an import (201, or 200 with `alreadyImported` for a file sent
 * before, which changes nothing), the list of imports and each one's outcome line by line. A file
 * that cannot be read is a 422 `settlement_malformed` whose message says why, in French.
 */
export async function staffSettlementRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { payments, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const canRead = requireStaff(staff, 'payments.read');

  api.post(
    '/settlements',
    {
      preHandler: requireStaff(staff, 'payments.close_day'),
      // A 5 MB report grows a little as a JSON string (quotes, newlines escaped).
      bodyLimit: 2 * MAX_SETTLEMENT_BYTES,
      schema: { body: uploadBody },
    },
    async (request, reply) => {
      const result = payments.importSettlement(request.body, principalOf(request).username);
      const report = payments.settlementReport(result.importId);
      return reply.status(result.alreadyImported ? 200 : 201).send({ ...result, report });
    },
  );

  api.get(
    '/settlements',
    {
      preHandler: canRead,
      schema: { querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
    },
    async (request) => ({ imports: payments.settlementImports(request.query.limit) }),
  );

  api.get('/settlements/:id', { preHandler: canRead, schema: { params: idParams } }, async (request) => {
    const report = payments.settlementReport(request.params.id);
    if (!report) throw new PaymentError(PaymentErrorCode.SettlementNotFound, 'no such settlement import');
    return report;
  });
}
