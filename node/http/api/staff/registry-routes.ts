import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IDENTITY_DOCUMENT_KINDS } from '../../../../protocol/index.js';
import { ApiError } from '../../errors.js';
import { registrationsInState, withPerson } from '../../staff/registry-view.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const idParams = z.strictObject({ id: z.uuid() });
const registrationState = z.enum(['submitted', 'verified', 'active', 'expired', 'rejected', 'deregistered']);
const civilState = z.enum(['submitted', 'under_review', 'transcribed', 'rejected']);
const reasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
// The identity document the agent held: without it the national registry answers nothing before
// an officer at the ministry decides (protocol/PROTOCOL.md, "The national registry").
const documentKind = z.enum(IDENTITY_DOCUMENT_KINDS);
const checkOf = (kind: z.infer<typeof documentKind> | undefined) =>
  kind ? { documentKind: kind } : undefined;

/** Consular registrations (list, verify, activate, reject) and civil-status transcriptions. */
export async function staffRegistryRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { registrations, civilStatus, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const manageRegistrations = requireStaff(staff, 'registrations.manage');
  const manageCivil = requireStaff(staff, 'civil_status.manage');
  const actor = (request: Parameters<typeof principalOf>[0]) => principalOf(request).username;

  api.get(
    '/registrations',
    {
      preHandler: manageRegistrations,
      schema: { querystring: z.strictObject({ state: registrationState.default('submitted') }) },
    },
    async (request) => ({ registrations: registrationsInState(deps, request.query.state) }),
  );
  api.get(
    '/registrations/:id',
    { preHandler: manageRegistrations, schema: { params: idParams } },
    async (request) => {
      const registration = registrations.get(request.params.id);
      if (!registration) throw new ApiError('not_found', 'no such registration');
      return {
        registration: withPerson(deps, registration),
        history: registrations.history(registration.id),
      };
    },
  );
  api.post(
    '/registrations/:id/verify',
    {
      preHandler: manageRegistrations,
      schema: {
        params: idParams,
        body: z.strictObject({ documentKind: documentKind.optional() }).optional(),
      },
    },
    async (request) =>
      registrations.verify(request.params.id, actor(request), checkOf(request.body?.documentKind)),
  );
  api.post(
    '/registrations/:id/activate',
    {
      preHandler: manageRegistrations,
      schema: {
        params: idParams,
        body: z.strictObject({ consularCardNumber: z.string().max(30).optional() }).optional(),
      },
    },
    async (request) =>
      registrations.activate(request.params.id, actor(request), request.body?.consularCardNumber),
  );
  api.post(
    '/registrations/:id/reject',
    { preHandler: manageRegistrations, schema: { params: idParams, body: reasonBody } },
    async (request) => registrations.reject(request.params.id, actor(request), request.body.reason),
  );

  api.get(
    '/civil-status',
    {
      preHandler: manageCivil,
      schema: { querystring: z.strictObject({ state: civilState.default('submitted') }) },
    },
    async (request) => ({ records: civilStatus.listInState(request.query.state) }),
  );
  api.get('/civil-status/:id', { preHandler: manageCivil, schema: { params: idParams } }, async (request) => {
    const record = civilStatus.get(request.params.id);
    if (!record) throw new ApiError('not_found', 'no such record');
    return { record, history: civilStatus.history(record.id) };
  });
  api.post(
    '/civil-status/:id/review',
    { preHandler: manageCivil, schema: { params: idParams } },
    async (request) => civilStatus.startReview(request.params.id, actor(request)),
  );
  api.post(
    '/civil-status/:id/transcribe',
    {
      preHandler: manageCivil,
      schema: {
        params: idParams,
        body: z
          .strictObject({ actNumber: z.string().max(40).optional(), documentKind: documentKind.optional() })
          .optional(),
      },
    },
    async (request) =>
      civilStatus.transcribe(
        request.params.id,
        actor(request),
        request.body?.actNumber,
        checkOf(request.body?.documentKind),
      ),
  );
  api.post(
    '/civil-status/:id/reject',
    { preHandler: manageCivil, schema: { params: idParams, body: reasonBody } },
    async (request) => civilStatus.reject(request.params.id, actor(request), request.body.reason),
  );
}
