import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STAFF_ROLES } from '../../../services/staff/index.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const idParams = z.strictObject({ id: z.uuid() });
const roles = z.array(z.enum(STAFF_ROLES)).min(1).max(8);

/**
 * Staff accounts, for administrators only. Temporary passwords are returned once, in the answer,
 * to be handed over by voice or on paper.
 */
export async function staffAdminRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = requireStaff(staff, 'staff.manage');

  api.get('/users', { preHandler: admin }, async (request) => ({ users: staff.list(principalOf(request)) }));

  api.post(
    '/users',
    {
      preHandler: admin,
      schema: {
        body: z.strictObject({ username: z.string().max(64), displayName: z.string().max(200), roles }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await staff.createStaff(principalOf(request), request.body)),
  );

  api.put(
    '/users/:id/roles',
    { preHandler: admin, schema: { params: idParams, body: z.strictObject({ roles }) } },
    async (request) => staff.setRoles(principalOf(request), request.params.id, request.body.roles),
  );

  const actions = {
    deactivate: staff.deactivate,
    reactivate: staff.reactivate,
    'reset-totp': staff.resetTotp,
    unlock: staff.unlock,
  } as const;
  for (const [name, action] of Object.entries(actions)) {
    api.post(`/users/:id/${name}`, { preHandler: admin, schema: { params: idParams } }, async (request) =>
      action(principalOf(request), request.params.id),
    );
  }

  api.post(
    '/users/:id/reset-password',
    { preHandler: admin, schema: { params: idParams } },
    async (request) => staff.resetPassword(principalOf(request), request.params.id),
  );

  api.post(
    '/users/:id/revoke-sessions',
    { preHandler: admin, schema: { params: idParams } },
    async (request) => ({
      revoked: staff.revokeSessions(principalOf(request), request.params.id),
    }),
  );
}
