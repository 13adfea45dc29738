import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SimulatedProvider } from '../../services/payments/simulated-provider.js';
import { formFields } from './form-values.js';
import { PageNotFound } from './page-errors.js';
import { renderPage } from './page-render.js';
import { type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langParam } from './query-schemas.js';

const checkoutQuery = z.strictObject({
  ref: z.string().regex(/^sim_[0-9a-f-]{36}$/),
  facture: z.uuid(),
  lang: langParam,
});
const outcomeForm = checkoutQuery.omit({ lang: true }).extend({ issue: z.enum(['paid', 'failed']) });

/**
 * The pages of the simulated payment provider (demo and training only, when the node enables it):
 * the applicant "pays" or "fails", and the provider's signed webhook is applied as a real one would be.
 */
export async function simulatedCheckoutPages(
  app: FastifyInstance,
  deps: PortalPageDeps & { provider: SimulatedProvider },
): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { payments } = deps.domain;

  pages.get(
    PORTAL_PATHS.paymentSimulation,
    { schema: { hide: true, querystring: checkoutQuery } },
    async (request, reply) => {
      const invoice = payments.getInvoice(request.query.facture);
      if (!invoice) throw new PageNotFound('no such invoice');
      return renderPage(
        request,
        reply,
        deps.site,
        { view: 'payment-simulation', title: 'simulation.title', data: { invoice, ref: request.query.ref } },
        { form: true },
      );
    },
  );

  pages.post(
    PORTAL_PATHS.paymentSimulation,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.checkout) },
    async (request, reply) => {
      const parsed = outcomeForm.safeParse(formFields(request.body));
      if (!parsed.success) throw new PageNotFound('no such checkout');
      const { ref, facture, issue } = parsed.data;
      const webhook = completed(deps.provider, ref, issue, deps.now());
      payments.applyWebhook(deps.provider.name, webhook);
      return reply.redirect(PORTAL_PATHS.paymentReturn(facture), 303);
    },
  );
}

function completed(provider: SimulatedProvider, ref: string, issue: 'paid' | 'failed', at: Date) {
  try {
    return provider.completeCheckout(ref, {
      at,
      type: issue === 'paid' ? 'payment.succeeded' : 'payment.failed',
    });
  } catch (error) {
    // The provider knows only the checkouts it opened (since the node started).
    if (error instanceof TypeError) throw new PageNotFound('no such checkout');
    throw error;
  }
}
