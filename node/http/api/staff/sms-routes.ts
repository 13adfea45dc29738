import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SMS_READ_PERMISSION, smsRefOf } from '../../staff/sms-lookup.js';
import { requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

/** `?ref=` (an appointment reference, a tracking number, an invoice or file id) and `?limit=`. */
const smsQuery = z.strictObject({
  ref: z.string().trim().min(1).max(80).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * `GET /sms`: the delivery state of outgoing SMS, newest first — purpose, ref, state, attempts,
 * last error and times, never the number or the text.
 */
export async function staffSmsRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/sms',
    {
      preHandler: requireStaff(deps.domain.staff, SMS_READ_PERMISSION),
      schema: { querystring: smsQuery },
    },
    async (request, reply) => {
      const { ref, limit } = request.query;
      const storedRef = ref === undefined ? undefined : smsRefOf(deps, ref);
      void reply.header('cache-control', 'no-store');
      return {
        ref: storedRef ?? null,
        sms: deps.domain.sms.statuses(storedRef === undefined ? { limit } : { ref: storedRef, limit }),
      };
    },
  );
}
