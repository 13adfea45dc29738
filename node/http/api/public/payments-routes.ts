import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebhookResult } from '../../../services/payments/webhooks.js';
import { type PublicRouteDeps, perMinute } from './deps.js';
import { PublicApiError, PublicErrorCode } from './error-statuses.js';
import { errorResponses } from './wire.js';

/** The provider used when a checkout names none: the simulated one, where it is enabled. */
const DEFAULT_PROVIDER = 'simulated';
/** Providers' webhooks are small; anything bigger is not one. */
const WEBHOOK_BODY_LIMIT = 64 * 1024;

const checkoutResponse = z.object({
  checkoutId: z.string(),
  provider: z.string(),
  redirectUrl: z.string().describe('send the applicant there to pay'),
});

const webhookResponse = z.object({
  status: z.enum(['applied', 'duplicate']),
  outcome: z.string().optional(),
});

/** `POST /invoices/:id/checkout`: starts an online payment of an open invoice. */
export async function checkoutRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/invoices/:id/checkout',
    {
      schema: {
        summary: 'Pay an invoice online: answers where to send the applicant',
        tags: ['payments'],
        params: z.strictObject({ id: z.string().min(1).max(80) }),
        body: z.strictObject({
          provider: z
            .string()
            .regex(/^[a-z0-9_-]{1,40}$/)
            .optional(),
          returnUrl: z.url().max(500).optional(),
        }),
        response: { 201: checkoutResponse, ...errorResponses([404, 409, 422], { body: true }) },
      },
      config: perMinute(deps.limits.checkout),
    },
    async (request, reply) => {
      const { provider = DEFAULT_PROVIDER, returnUrl } = request.body;
      const input = { invoiceId: request.params.id, provider };
      const started = await deps.domain.payments.startCheckout(
        returnUrl === undefined ? input : { ...input, returnUrl },
      );
      return reply.status(201).send(started);
    },
  );
}

/**
 * `POST /payments/webhooks/:provider`, in a context of its own: its body is kept as the exact
 * bytes received, since the provider's HMAC is over them and a re-serialised JSON would not match.
 */
export async function webhookRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.withTypeProvider<ZodTypeProvider>().post(
    '/payments/webhooks/:provider',
    {
      schema: {
        summary: 'A payment provider’s signed notification (applied once, however often it comes)',
        tags: ['payments'],
        params: z.strictObject({ provider: z.string().regex(/^[a-z0-9_-]{1,40}$/) }),
        response: { 200: webhookResponse, ...errorResponses([404], { body: true }) },
      },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // Providers retry from a few addresses: the signature, not the rate, keeps forgeries out.
      config: perMinute(600),
    },
    async (request) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = deps.domain.payments.applyWebhook(request.params.provider, {
        rawBody,
        headers: request.headers,
      });
      return toWebhookResponse(result);
    },
  );
}

function toWebhookResponse(result: WebhookResult): z.input<typeof webhookResponse> {
  if (result.status === 'rejected') {
    throw new PublicApiError(PublicErrorCode.WebhookRejected, `webhook refused: ${result.reason}`);
  }
  if (result.status === 'duplicate') return { status: 'duplicate' };
  return { status: 'applied', outcome: result.outcome };
}
