import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../services/staff/index.js';
import { VisaError } from '../../services/visas/errors.js';
import { REFUSAL_REASONS, VISA_STATES } from '../../services/visas/visa-schema.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';
import { REFUSAL_LABELS, VISA_MESSAGES, VISA_STATE_LABELS, visaRow } from './visa-view.js';

const idParams = z.strictObject({ id: z.uuid() });
const csrf = z.string().max(200);
const listQuery = z.strictObject({ etat: z.enum(VISA_STATES).optional(), ok: z.string().max(40).optional() });
const okQuery = z.strictObject({ ok: z.string().max(40).optional() });
const grantForm = z.strictObject({
  _csrf: csrf,
  visaType: z.string().max(8).default('01'),
  entries: z.coerce.number().int(),
  stayDays: z.coerce.number().int(),
  validFrom: z.string().max(10),
  validUntil: z.string().max(10),
});

/**
 * Visas and laissez-passer in the back office: the list by state; an application's page with the
 * applicant's data and scans, and the step its state and the reader's role allow (prepare or ask
 * for more, grant or refuse, issue); the printed document for the counter.
 */
export async function visaPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { visas, files } = deps.domain;
  const read = pageGuard(deps, 'visas.read');
  const prepare = [pageGuard(deps, 'visas.prepare'), app.csrfProtection];
  const decide = [pageGuard(deps, 'visas.decide'), app.csrfProtection];
  const issue = [pageGuard(deps, 'visas.issue'), app.csrfProtection];
  const actor = (request: FastifyRequest) => pagePrincipal(request).username;

  pages.get(
    '/visas',
    { schema: { hide: true, querystring: listQuery }, preHandler: read },
    async (request, reply) =>
      renderPage(request, reply, 'visas', {
        applications: visas.list(request.query.etat).map(visaRow),
        states: VISA_STATES.map((state) => ({ value: state, label: VISA_STATE_LABELS[state] })),
        current: request.query.etat ?? null,
      }),
  );

  pages.get(
    '/visas/:id',
    { schema: { hide: true, params: idParams, querystring: okQuery }, preHandler: read },
    async (request, reply) => showApplication(request, reply, request.params.id),
  );

  const step = (
    path: string,
    preHandler: typeof prepare,
    body: z.ZodType,
    run: (request: FastifyRequest, id: string) => unknown,
  ) =>
    pages.post(
      `/visas/:id/${path}`,
      { schema: { hide: true, params: idParams, body }, preHandler },
      async (request, reply) => {
        const { id } = request.params;
        try {
          await run(request, id);
          return done(reply, `/visas/${id}`, 'moved');
        } catch (error) {
          if (!(error instanceof VisaError) && !(error instanceof z.ZodError)) throw error;
          const code = error instanceof VisaError ? error.code : 'visa_invalid_application';
          return showApplication(
            request,
            reply,
            id,
            VISA_MESSAGES[code] ?? error.message,
            error instanceof VisaError && code === 'visa_no_signer' ? 503 : 409,
          );
        }
      },
    );

  step('preparer', prepare, z.strictObject({ _csrf: csrf }), (request, id) =>
    visas.prepare(id, actor(request)),
  );
  step('complement', prepare, z.strictObject({ _csrf: csrf, message: z.string().max(1000) }), (request, id) =>
    visas.requestMoreInfo(id, (request.body as { message: string }).message, actor(request)),
  );
  step('accorder', decide, grantForm, (request, id) => {
    const { _csrf, ...grant } = request.body as z.infer<typeof grantForm>;
    return visas.grant(id, grant, actor(request));
  });
  step('refuser', decide, z.strictObject({ _csrf: csrf, reason: z.string().max(40) }), (request, id) =>
    visas.refuse(id, (request.body as { reason: string }).reason, actor(request)),
  );
  step('delivrer', issue, z.strictObject({ _csrf: csrf }), (request, id) => visas.issue(id, actor(request)));

  pages.get(
    '/visas/:id/document.pdf',
    { schema: { hide: true, params: idParams }, preHandler: pageGuard(deps, 'visas.issue') },
    async (request, reply) => {
      const pdf = await visas.pdf(request.params.id);
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', 'inline')
        .send(Buffer.from(pdf));
    },
  );

  function showApplication(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    error?: string,
    status = 200,
  ) {
    const principal = pagePrincipal(request);
    const application = visas.get(id);
    void reply.status(status);
    // What the applicant sent after a request for more (visa.more_info_provided), beside the two scans.
    const complements = files
      .documents(application.fileId)
      .filter(
        (document) =>
          document.id !== application.photoDocumentId && document.id !== application.bioPageDocumentId,
      )
      .map((document) => ({ id: document.id, label: document.label, at: document.addedAt.slice(0, 10) }));
    return renderPage(request, reply, 'visa', {
      application: visaRow(application),
      complements,
      error: error ?? null,
      reasons: REFUSAL_REASONS.map((reason) => ({ value: reason, label: REFUSAL_LABELS[reason] })),
      may: {
        prepare: can(principal, 'visas.prepare'),
        decide: can(principal, 'visas.decide'),
        issue: can(principal, 'visas.issue'),
        documents: can(principal, 'files.documents'),
      },
    });
  }
}
