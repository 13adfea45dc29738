import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  grantSchema,
  infoRequestSchema,
  refusalSchema,
  VISA_STATES,
  type VisaApplication,
} from '../../../services/visas/visa-schema.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const idParams = z.strictObject({ id: z.uuid() });

/** An application as the API shows it: the seal in hex, no bytes in JSON. */
export function visaView(application: VisaApplication) {
  const { seal, ...rest } = application;
  return { ...rest, sealHex: seal ? Buffer.from(seal).toString('hex').toUpperCase() : null };
}

/**
 * Visas and laissez-passer at the mission: agents list, prepare, ask for more and issue; the
 * consul grants or refuses. The printed document is served as a PDF for the counter.
 */
export async function staffVisaRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { visas, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const read = requireStaff(staff, 'visas.read');
  const handle = requireStaff(staff, 'visas.prepare');
  const decide = requireStaff(staff, 'visas.decide');
  const issue = requireStaff(staff, 'visas.issue');
  const actor = (request: Parameters<typeof principalOf>[0]) => principalOf(request).username;

  api.get(
    '/visas',
    { preHandler: read, schema: { querystring: z.strictObject({ state: z.enum(VISA_STATES).optional() }) } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { applications: visas.list(request.query.state).map(visaView) };
    },
  );
  api.get('/visas/:id', { preHandler: read, schema: { params: idParams } }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    return visaView(visas.get(request.params.id));
  });
  api.post('/visas/:id/prepare', { preHandler: handle, schema: { params: idParams } }, async (request) =>
    visaView(visas.prepare(request.params.id, actor(request))),
  );
  api.post(
    '/visas/:id/more-info',
    { preHandler: handle, schema: { params: idParams, body: infoRequestSchema } },
    async (request) =>
      visaView(visas.requestMoreInfo(request.params.id, request.body.message, actor(request))),
  );
  api.post(
    '/visas/:id/grant',
    { preHandler: decide, schema: { params: idParams, body: grantSchema } },
    async (request) => visaView(visas.grant(request.params.id, request.body, actor(request))),
  );
  api.post(
    '/visas/:id/refuse',
    { preHandler: decide, schema: { params: idParams, body: refusalSchema } },
    async (request) => visaView(visas.refuse(request.params.id, request.body.reason, actor(request))),
  );
  api.post('/visas/:id/issue', { preHandler: issue, schema: { params: idParams } }, async (request) =>
    visaView(await visas.issue(request.params.id, actor(request))),
  );
  api.get('/visas/:id/pdf', { preHandler: issue, schema: { params: idParams } }, async (request, reply) => {
    const pdf = await visas.pdf(request.params.id);
    return reply
      .header('content-type', 'application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', `inline; filename="${request.params.id}.pdf"`)
      .send(Buffer.from(pdf));
  });
}
