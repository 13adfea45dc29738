import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { catalogueServiceSchema } from '../../../../protocol/index.js';
import type { LocalizedService } from '../../../services/catalogue/catalogue-schema.js';
import { CatalogueError, CatalogueErrorCode } from '../../../services/catalogue/errors.js';
import { type PublicRouteDeps, perMinute } from './deps.js';
import { errorResponses, langQuery, moneyResponse, serviceCodeSchema } from './wire.js';

/** A service as the public sees it, in one language. */
export const publicServiceSchema = z.object({
  code: z.string(),
  category: catalogueServiceSchema.shape.category,
  name: z.string(),
  description: z.string(),
  fees: z.array(moneyResponse).describe('the fee in XAF and in the host country’s currency'),
  requiredDocuments: z.array(z.string()),
  processingDaysTarget: z.int().describe('working days the mission aims to take'),
  appointmentMinutes: z.int(),
  faq: z.array(z.object({ question: z.string(), answer: z.string() })),
  formRef: z.string().optional().describe('printable form, under the portal’s forms folder'),
  localFees: z.boolean().describe('true when the mission sets its own fees'),
});

/** `GET /services` and `GET /services/:code`: the catalogue in fr, sg or en. */
export async function servicesRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { catalogue } = deps.domain;
  api.get(
    '/services',
    {
      schema: {
        summary: 'The consular services offered, with fees, documents and FAQ',
        tags: ['catalogue'],
        querystring: langQuery,
        response: { 200: z.object({ services: z.array(publicServiceSchema) }), ...errorResponses([]) },
      },
      config: perMinute(deps.limits.read),
    },
    async (request) => ({ services: catalogue.listServices(request.query.lang).map(toPublic) }),
  );

  api.get(
    '/services/:code',
    {
      schema: {
        summary: 'One service',
        tags: ['catalogue'],
        params: z.strictObject({ code: serviceCodeSchema }),
        querystring: langQuery,
        response: { 200: publicServiceSchema, ...errorResponses([404]) },
      },
      config: perMinute(deps.limits.read),
    },
    async (request) => {
      const service = catalogue.getService(request.params.code, request.query.lang);
      if (!service?.active) {
        throw new CatalogueError(CatalogueErrorCode.UnknownService, 'no such service is offered');
      }
      return toPublic(service);
    },
  );
}

// The response schema strips the rest too; naming the fields keeps `active` internal on purpose.
function toPublic(service: LocalizedService): z.input<typeof publicServiceSchema> {
  const { active: _active, ...shown } = service;
  return {
    ...shown,
    fees: [...shown.fees],
    requiredDocuments: [...shown.requiredDocuments],
    faq: [...shown.faq],
  };
}
