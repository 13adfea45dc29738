import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { missionPrefix } from '../../../config/config.js';
import { smsStatuses } from '../../../notify/sms-outbox.js';
import { normaliseReference } from '../../../services/appointments/reference.js';
import { parseTrackingNumber } from '../../../services/files/tracking-number.js';
import type { Permission } from '../../../services/staff/index.js';
import { requireStaff } from './staff-auth.js';
import type { StaffHttpDeps } from './staff-deps.js';

/** Who may read delivery states: the counter, which answers "I never got the SMS". */
export const SMS_READ_PERMISSION: Permission = 'appointments.read';

/** `?ref=` (an appointment reference, a tracking number, an invoice or file id) and `?limit=`. */
const smsQuery = z.strictObject({
  ref: z.string().trim().min(1).max(80).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * The ref SMS rows carry for what an agent typed: files' SMS are filed under the file's id, so a
 * tracking number is turned into it; an appointment reference is put in its canonical form.
 */
export function smsRefOf(deps: StaffHttpDeps, typed: string): string {
  const tracking = parseTrackingNumber(typed, missionPrefix(deps.config));
  if (tracking.ok) return deps.domain.files.findByTrackingNumber(tracking.trackingNumber)?.id ?? typed;
  return normaliseReference(typed) ?? typed;
}

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
        sms: smsStatuses(deps.store, storedRef === undefined ? { limit } : { ref: storedRef, limit }),
      };
    },
  );
}
