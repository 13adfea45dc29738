import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { accessFile } from './file-access.js';
import { EMPTY_FORM, type FormState, formFields } from './form-values.js';
import { portalOf } from './page-context.js';
import { renderPage } from './page-render.js';
import { payOptionsOf } from './payment-pages.js';
import { type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { allowProviderPages } from './provider-form-action.js';
import { langOnly } from './query-schemas.js';

/**
 * File tracking: the tracking number alone gives the status; with the applicant's phone number or
 * birth date, the service, the history and the invoices. Both travel in a POST body, never a URL.
 */
export async function trackingPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { files, payments, catalogue, visas } = deps.domain;

  pages.get(
    PORTAL_PATHS.tracking,
    { schema: { hide: true, querystring: langOnly } },
    async (request, reply) => showForm(request, reply, EMPTY_FORM),
  );

  pages.post(
    PORTAL_PATHS.tracking,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.lookup) },
    async (request, reply) => {
      const access = accessFile(files, formFields(request.body), false);
      if (!access.ok) return showForm(request, reply, access.form, access.status);
      const { view } = access;
      const details = view.detailed
        ? {
            serviceName:
              catalogue.getService(view.serviceCode, portalOf(request).lang)?.name ?? view.serviceCode,
            invoices: payments.invoicesOfFile(access.fileId),
          }
        : undefined;
      allowProviderPages(reply, payments.providerPageOrigins());
      // A visa application waiting on the applicant: the agent's request and the upload form.
      const application = view.detailed ? visas.ofFile(access.fileId) : undefined;
      const moreInfo =
        application?.state === 'more_info_requested' ? { message: application.infoRequest ?? '' } : undefined;
      return renderPage(
        request,
        reply,
        deps.site,
        {
          view: 'tracking-result',
          title: 'tracking.title',
          data: {
            file: view,
            details,
            moreInfo,
            form: { values: { numero: view.trackingNumber }, errors: {} },
            secretRefused: access.secretGiven && !view.detailed,
            payWith: payOptionsOf(payments.onlineProviders()),
          },
        },
        { form: true, personal: true },
      );
    },
  );

  function showForm(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'tracking', title: 'tracking.title', data: { form } },
      { form: true, status },
    );
  }
}
