import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PaymentError, PaymentErrorCode } from '../../services/payments/errors.js';
import { MAX_SETTLEMENT_BYTES } from '../../services/payments/settlements/settlement-import.js';
import { can } from '../../services/staff/index.js';
import { ApiError } from '../errors.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { BACKOFFICE, pageGuard, pagePrincipal } from './page-guard.js';
import { renderPage } from './page-render.js';
import { settlementPageData } from './settlement-view.js';

const csrfField = z.string().max(200);
/** What a report's upload said: a new import, or a file already imported (nothing changed). */
const IMPORT_NOTICES = {
  new: 'Relevé importé.',
  again: 'Ce fichier avait déjà été importé : rien n’a changé.',
} as const;

/**
 * The providers' settlement reports: the list of imports with the upload form (a plain multipart
 * form, in a scope of its own), and each import's outcome line by line with the payments it lacks.
 */
export async function settlementPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { payments } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const canRead = pageGuard(deps, 'payments.read');
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_SETTLEMENT_BYTES, files: 1, fields: 4 },
    async onFile(part) {
      (part as { value?: unknown }).value = { bytes: await part.toBuffer(), name: part.filename };
    },
  });

  // A report over the size limit is refused on the upload page with its own limit (5 Mo), not
  // the scans' one; any other error goes on to the back office's handler.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
    reply.status(413);
    return renderPage(request, reply, 'settlements', listPage(request, 'Fichier trop lourd : 5 Mo au plus.'));
  });

  const listPage = (request: Parameters<typeof renderPage>[0], refusal?: string) => ({
    title: 'Rapprochement des relevés',
    providers: payments.settlementProviders(),
    canImport: can(pagePrincipal(request), 'payments.close_day'),
    refusal: refusal ?? null,
    imports: payments.settlementImports(50).map((item) => ({
      ...item,
      when: missionTime(deps, item.importedAt),
    })),
  });

  pages.get('/rapprochements', { schema: { hide: true }, preHandler: canRead }, async (request, reply) =>
    renderPage(request, reply, 'settlements', listPage(request)),
  );

  pages.post(
    '/rapprochements',
    {
      schema: {
        hide: true,
        body: z.strictObject({
          _csrf: csrfField,
          provider: z.string().max(40),
          report: z.strictObject({ bytes: z.instanceof(Buffer), name: z.string().max(300) }),
        }),
      },
      // The closing's roles: before the body is read, so a stranger's upload never fills memory.
      onRequest: pageGuard(deps, 'payments.close_day'),
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const { provider, report } = request.body;
      try {
        const result = payments.importSettlement(
          { provider, csv: report.bytes, fileName: report.name.slice(0, 200) },
          pagePrincipal(request).username,
        );
        const notice = result.alreadyImported ? 'again' : 'new';
        return reply.redirect(`${BACKOFFICE}/rapprochements/${result.importId}?import=${notice}`, 303);
      } catch (error) {
        if (!(error instanceof PaymentError) || !isRefusedReport(error)) throw error;
        reply.status(422);
        return renderPage(request, reply, 'settlements', listPage(request, error.message));
      }
    },
  );

  pages.get(
    '/rapprochements/:id',
    {
      schema: {
        hide: true,
        params: z.strictObject({ id: z.uuid() }),
        querystring: z.strictObject({ import: z.enum(['new', 'again']).optional() }),
      },
      preHandler: canRead,
    },
    async (request, reply) => {
      const report = payments.settlementReport(request.params.id);
      if (!report) throw new ApiError('not_found', 'no such settlement import');
      return renderPage(request, reply, 'settlement', {
        title: 'Relevé du prestataire',
        notice: request.query.import ? IMPORT_NOTICES[request.query.import] : null,
        ...settlementPageData(deps, report),
      });
    },
  );
}

function isRefusedReport(error: PaymentError): boolean {
  return (
    error.code === PaymentErrorCode.SettlementMalformed ||
    error.code === PaymentErrorCode.SettlementUnsupported
  );
}
