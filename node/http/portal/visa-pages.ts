import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MessageKey } from '../../i18n/index.js';
import { VisaError } from '../../services/visas/errors.js';
import { MAX_SCAN_BYTES, type VisaKind } from '../../services/visas/visa-schema.js';
import { accessFile } from './file-access.js';
import { EMPTY_FORM, type FormState, formFields } from './form-values.js';
import { portalOf } from './page-context.js';
import { renderPage } from './page-render.js';
import { type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langOnly } from './query-schemas.js';
import { refusalStatus, refusedForm, visaFieldsOf } from './visa-form.js';

/** An uploaded part as the multipart parser leaves it in the body. */
interface UploadedPart {
  bytes: Buffer;
  type: string;
  /** The parser stopped at the size limit: the file is larger than any upload may be. */
  truncated: boolean;
}

const KINDS: readonly { kind: VisaKind; path: string; title: MessageKey }[] = [
  { kind: 'visa', path: PORTAL_PATHS.visa, title: 'visa.title' },
  { kind: 'laissez_passer', path: PORTAL_PATHS.laissezPasser, title: 'lp.title' },
];

/** Two photos and scans and a few fields: the largest body the portal takes. */
const APPLICATION_BODY_LIMIT = MAX_SCAN_BYTES + 1024 * 1024 + 64 * 1024;

/**
 * Applying for a visa (foreigners) or a laissez-passer (nationals who lost their passport): one
 * plain multipart form each, no script, the photo and the passport's bio page as file inputs. The
 * issued document is downloaded with the tracking number and the applicant's secret, as a file's
 * details are. The only multipart routes of the portal, in a scope of their own.
 */
export async function visaPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { visas, files } = deps.domain;
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_SCAN_BYTES, files: 2, fields: 20 },
    // A file over the limit is cut there and flagged, not thrown: the form then says which file
    // is too large, in the applicant's language, instead of a bare 413 page.
    throwFileSizeLimit: false,
    async onFile(part) {
      const bytes = await part.toBuffer();
      (part as { value?: unknown }).value = { bytes, type: part.mimetype, truncated: part.file.truncated };
    },
  });

  for (const { kind, path, title } of KINDS) {
    pages.get(path, { schema: { hide: true, querystring: langOnly } }, async (request, reply) =>
      showForm(request, reply, kind, EMPTY_FORM),
    );
    pages.post(
      path,
      {
        schema: { hide: true },
        bodyLimit: APPLICATION_BODY_LIMIT,
        preHandler: app.csrfProtection,
        config: perMinute(deps.limits.submission),
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const values = formFields(body);
        try {
          const { application } = await visas.submit({
            fields: visaFieldsOf(values, kind, portalOf(request).lang) as never,
            photo: uploadOf(body.photo),
            bioPage: uploadOf(body.bioPage),
          });
          return renderPage(
            request,
            reply,
            deps.site,
            { view: 'visa-done', title, data: { trackingNumber: application.trackingNumber } },
            { personal: true, langPath: path },
          );
        } catch (error) {
          if (!(error instanceof VisaError)) throw error;
          return showForm(request, reply, kind, refusedForm(values, error), refusalStatus(error));
        }
      },
    );
  }

  pages.get(
    PORTAL_PATHS.visaDocument,
    { schema: { hide: true, querystring: langOnly } },
    async (request, reply) => showDocumentForm(request, reply, EMPTY_FORM),
  );
  pages.post(
    PORTAL_PATHS.visaDocument,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.lookup) },
    async (request, reply) => {
      const access = accessFile(files, formFields(request.body), true);
      if (!access.ok) return showDocumentForm(request, reply, access.form, access.status);
      const application = visas.ofFile(access.fileId);
      if (application?.state !== 'issued')
        return showDocumentForm(request, reply, { values: {}, errors: {}, alert: 'visa.err.notIssued' }, 404);
      const pdf = await visas.pdf(application.id);
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${application.documentNumber}.pdf"`)
        .send(Buffer.from(pdf));
    },
  );

  pages.post(
    PORTAL_PATHS.visaMoreInfo,
    {
      schema: { hide: true },
      bodyLimit: APPLICATION_BODY_LIMIT,
      preHandler: app.csrfProtection,
      config: perMinute(deps.limits.lookup),
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const access = accessFile(files, formFields(body), true);
      if (!access.ok) return showMoreInfoForm(request, reply, access.form, access.status);
      const numero = { numero: access.view.trackingNumber };
      try {
        await visas.provideMoreInfo(access.fileId, uploadsOf(body.documents));
      } catch (error) {
        if (!(error instanceof VisaError)) throw error;
        const form = moreInfoRefusal(error);
        return showMoreInfoForm(request, reply, { values: numero, ...form.form }, form.status);
      }
      return renderPage(
        request,
        reply,
        deps.site,
        {
          view: 'visa-more-info-done',
          title: 'visa.moreInfo.title',
          data: { trackingNumber: access.view.trackingNumber },
        },
        { personal: true, langPath: PORTAL_PATHS.tracking },
      );
    },
  );

  function showMoreInfoForm(request: FastifyRequest, reply: FastifyReply, form: FormState, status: number) {
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'visa-more-info', title: 'visa.moreInfo.title', data: { form } },
      { form: true, status, langPath: PORTAL_PATHS.tracking },
    );
  }

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: VisaKind,
    form: FormState,
    status = 200,
  ) {
    const { path, title } = KINDS.find((entry) => entry.kind === kind) as (typeof KINDS)[number];
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'visa-apply', title, data: { form, kind, action: path } },
      { form: true, status },
    );
  }

  function showDocumentForm(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'visa-document', title: 'visa.documentTitle', data: { form } },
      { form: true, status },
    );
  }
}

/** The documents of a `multiple` file input: one part, several, or none. */
function uploadsOf(value: unknown): { contentType: string; bytes: Uint8Array }[] {
  const parts = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return parts.map(uploadOf);
}

/** An answer to a request for more refused: the message and status, the secret to type again. */
function moreInfoRefusal(error: VisaError): { form: Pick<FormState, 'errors' | 'alert'>; status: number } {
  if (error.code === 'visa_wrong_state' || error.code === 'visa_not_found')
    return { form: { errors: {}, alert: 'visa.moreInfo.notWaiting' }, status: 409 };
  const tooLarge = /at most 5 MB/.test(error.message);
  return {
    form: { errors: { documents: tooLarge ? 'visa.moreInfo.tooLarge' : 'visa.moreInfo.refused' } },
    status: tooLarge ? 413 : 422,
  };
}

function uploadOf(value: unknown): { contentType: string; bytes: Uint8Array } {
  const part = value as UploadedPart | undefined;
  if (!part || typeof part !== 'object' || !Buffer.isBuffer(part.bytes))
    return { contentType: '', bytes: new Uint8Array() };
  // One byte past the limit stands for "larger": every size check of the service then refuses it.
  if (part.truncated) return { contentType: part.type, bytes: new Uint8Array(MAX_SCAN_BYTES + 1) };
  return { contentType: part.type, bytes: new Uint8Array(part.bytes) };
}
