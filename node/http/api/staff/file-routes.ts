import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { fileStateSchema } from '../../../services/files/workflow.js';
import { personInputSchema } from '../../../services/people/person-schema.js';
import { ApiError } from '../../errors.js';
import { DECISION_STATES, fileDetail, queuedFile } from '../../staff/file-view.js';
import { assertAllowed, principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const serviceCode = z.string().regex(/^[A-Za-z0-9._-]{1,60}$/);
const idParams = z.strictObject({ id: z.uuid() });

/** Moving a file: the state the agent saw is sent along, so a file moved meanwhile is refused. */
export const transitionBody = z.strictObject({
  to: fileStateSchema,
  expectedFrom: fileStateSchema.optional(),
  note: z.string().trim().min(1).max(1000).optional(),
});

/** The file queue, a file's detail, opening at the counter, and transitions. */
export async function staffFileRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { files, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const canRead = requireStaff(staff, 'files.read');

  api.get(
    '/files',
    {
      preHandler: canRead,
      schema: {
        querystring: z.strictObject({
          state: fileStateSchema.default('submitted'),
          service: serviceCode.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      const { state, service, limit, offset } = request.query;
      const queue = files.queue({ state, limit, offset, ...(service ? { serviceCode: service } : {}) });
      return { state, counts: files.countByState(), files: queue.map((file) => queuedFile(deps, file)) };
    },
  );

  api.get(
    '/files/tracking/:trackingNumber',
    {
      preHandler: canRead,
      schema: { params: z.strictObject({ trackingNumber: z.string().min(4).max(40) }) },
    },
    async (request) => {
      const file = files.findByTrackingNumber(request.params.trackingNumber);
      if (!file) throw new ApiError('not_found', 'no file with this tracking number');
      return fileDetail(deps, file.id);
    },
  );

  api.get('/files/:id', { preHandler: canRead, schema: { params: idParams } }, async (request) => {
    const detail = fileDetail(deps, request.params.id);
    if (!detail) throw new ApiError('not_found', 'no such file');
    return detail;
  });

  api.post(
    '/files',
    {
      preHandler: requireStaff(staff, 'files.open'),
      schema: {
        body: z
          .strictObject({
            personId: z.uuid().optional(),
            person: personInputSchema(deps.config.region as CountryCode).optional(),
            serviceCode,
            lang: z.enum(['fr', 'sg', 'en']).optional(),
            note: z.string().trim().min(1).max(1000).optional(),
          })
          .refine((body) => (body.personId === undefined) !== (body.person === undefined), {
            message: 'give either personId or person',
            path: ['person'],
          }),
      },
    },
    async (request, reply) => {
      const file = files.openAtCounter(request.body, principalOf(request).username);
      return reply.status(201).send(queuedFile(deps, file));
    },
  );

  api.post(
    '/files/:id/transitions',
    {
      preHandler: requireStaff(staff, 'files.transition'),
      schema: { params: idParams, body: transitionBody },
    },
    async (request) => {
      const principal = principalOf(request);
      if (DECISION_STATES.includes(request.body.to)) assertAllowed(principal, 'files.decide');
      const file = files.transition(request.params.id, request.body, principal.username);
      return queuedFile(deps, file);
    },
  );
}
