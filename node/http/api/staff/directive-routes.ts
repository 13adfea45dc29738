import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledgeDirective, listDirectives } from '../../../services/directives/directives.js';
import { principalOf, requireStaff } from './staff-auth.js';
import { nowOf } from './staff-clock.js';
import type { StaffHttpDeps } from './staff-deps.js';
import { StaffHttpError, StaffHttpErrorCode } from './staff-http-errors.js';

/** Acknowledgement of a directive by the head of mission. */
export const acknowledgeBody = z.strictObject({ comment: z.string().trim().max(2000).optional() });

/**
 * Acknowledges a directive in the consul's name, or throws the refusal. Shared by the API and the
 * back-office form, so both give the same answers.
 */
export function acknowledge(deps: StaffHttpDeps, directiveId: string, by: string, comment?: string): void {
  const outcome = acknowledgeDirective(deps.store, {
    directiveId,
    by,
    at: nowOf(deps),
    ...(comment ? { comment } : {}),
  });
  if (outcome === 'not_found')
    throw new StaffHttpError(StaffHttpErrorCode.DirectiveNotFound, 'no such directive');
  if (outcome === 'already_acknowledged')
    throw new StaffHttpError(
      StaffHttpErrorCode.AlreadyAcknowledged,
      'this directive was acknowledged already',
    );
  deps.live?.publish({ type: 'directive.acknowledged', ref: directiveId, state: 'acknowledged' });
}

/** The ministry's directives: every staff role reads them, only the consul acknowledges. */
export async function staffDirectiveRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/directives', { preHandler: requireStaff(staff, 'directives.read') }, async () => ({
    directives: listDirectives(deps.store),
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
