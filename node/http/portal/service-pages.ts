import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { LocalizedService } from '../../services/catalogue/catalogue-schema.js';
import { portalOf } from './page-context.js';
import { PageNotFound } from './page-errors.js';
import { renderPage } from './page-render.js';
import type { PortalPageDeps } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langOnly, serviceCodeParam } from './query-schemas.js';

/** General questions of the FAQ page, before each service's own. */
const GENERAL_FAQ = [1, 2, 3, 4, 5].map((n) => ({
  question: `faq.q${n}` as const,
  answer: `faq.a${n}` as const,
}));

/** The services with their documents, fees, target and FAQ; the FAQ page; the printable forms. */
export async function servicePages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { catalogue } = deps.domain;
  const offered = (request: FastifyRequest) => catalogue.listServices(portalOf(request).lang);
  const oneService = (request: FastifyRequest, code: string): LocalizedService => {
    const service = catalogue.getService(code, portalOf(request).lang);
    if (!service?.active) throw new PageNotFound(`no service ${code} is offered`, 'error.unknownService');
    return service;
  };
  const render = (view: string, title: Parameters<typeof renderPage>[3]['title']) => ({ view, title });

  pages.get(
    PORTAL_PATHS.services,
    { schema: { hide: true, querystring: langOnly } },
    async (request, reply) =>
      renderPage(request, reply, deps.site, {
        ...render('services', 'services.title'),
        data: { services: offered(request) },
      }),
  );

  pages.get(
    PORTAL_PATHS.service(':code'),
    { schema: { hide: true, params: serviceCodeParam, querystring: langOnly } },
    async (request, reply) => {
      const service = oneService(request, request.params.code);
      return renderPage(request, reply, deps.site, {
        ...render('service', 'services.title'),
        titleText: service.name,
        data: { service },
      });
    },
  );

  pages.get(PORTAL_PATHS.faq, { schema: { hide: true, querystring: langOnly } }, async (request, reply) =>
    renderPage(request, reply, deps.site, {
      ...render('faq', 'faq.title'),
      data: { general: GENERAL_FAQ, services: offered(request).filter((service) => service.faq.length > 0) },
    }),
  );

  pages.get(PORTAL_PATHS.forms, { schema: { hide: true, querystring: langOnly } }, async (request, reply) =>
    renderPage(request, reply, deps.site, {
      ...render('forms', 'forms.title'),
      data: { services: offered(request) },
    }),
  );

  pages.get(
    PORTAL_PATHS.form(':code'),
    { schema: { hide: true, params: serviceCodeParam, querystring: langOnly } },
    async (request, reply) => {
      const service = oneService(request, request.params.code);
      return renderPage(request, reply, deps.site, {
        ...render('form-print', 'forms.title'),
        titleText: `${service.name} · ${portalOf(request).t('forms.title')}`,
        data: { service },
      });
    },
  );
}
