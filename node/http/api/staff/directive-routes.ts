import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledge } from '../../staff/directive-acknowledgement.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

/** Acknowledgement of a directive by the head of mission. */
export const acknowledgeBody = z.strictObject({ comment: z.string().trim().max(2000).optional() });

/** The ministry's directives: every staff role reads them, only the consul acknowledges. */
export async function staffDirectiveRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { staff, directives } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/directives', { preHandler: requireStaff(staff, 'directives.read') }, async () => ({
    directives: directives.list(),
  }));

  api.post(
    '/directives/:id/acknowledge',
    {
      preHandler: requireStaff(staff, 'directives.acknowledge'),
      schema: { params: z.strictObject({ id: z.uuid() }), body: acknowledgeBody.optional() },
    },
    async (request) => {
      acknowledge(deps, request.params.id, principalOf(request).username, request.body?.comment);
      return { directiveId: request.params.id, acknowledged: true };
    },
  );
}
