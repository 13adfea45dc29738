import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProviderCallError } from '../../../services/payments/providers/provider-call-error.js';
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
          payerPhone: z
            .string()
            .trim()
            .min(3)
            .max(30)
            .optional()
            .describe('the payer’s mobile money number (provider momo)'),
        }),
        response: { 201: checkoutResponse, ...errorResponses([404, 409, 422], { body: true }) },
      },
      config: perMinute(deps.limits.checkout),
    },
    async (request, reply) => {
      const { provider = DEFAULT_PROVIDER, returnUrl, payerPhone } = request.body;
      const started = await deps.domain.payments.startCheckout({
        invoiceId: request.params.id,
        provider,
        ...(returnUrl === undefined ? {} : { returnUrl }),
        ...(payerPhone === undefined ? {} : { payerPhone }),
      });
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
  await noticeRoutes(app, deps);
}

const noticeResponse = z.object({
  status: z.enum(['applied', 'duplicate', 'pending', 'unknown_checkout', 'unconfirmed']),
  outcome: z.string().optional(),
});

/**
 * `PUT|POST /payments/notices/:provider/:ref/:secret`: a provider's unsigned notice (MTN MoMo's
 * callback, sent once, by PUT or POST). Its body is not read: the secret in the URL must be the
 * checkout's, then the node asks the provider the checkout's status and applies that, once.
 */
async function noticeRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: ['PUT', 'POST'],
    url: '/payments/notices/:provider/:ref/:secret',
    schema: {
      summary: 'A payment provider’s unsigned notice: authenticated by its URL, confirmed with the provider',
      tags: ['payments'],
      params: z.strictObject({
        provider: z.string().regex(/^[a-z0-9_-]{1,40}$/),
        ref: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
        secret: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
      }),
      response: { 200: noticeResponse, 202: noticeResponse, ...errorResponses([404], { body: true }) },
    },
    bodyLimit: WEBHOOK_BODY_LIMIT,
    config: perMinute(600),
    handler: async (request, reply) => {
      const { provider, ref, secret } = request.params;
      let result: Awaited<ReturnType<typeof deps.domain.payments.applyNotice>>;
      try {
        result = await deps.domain.payments.applyNotice(provider, ref, secret);
      } catch (error) {
        if (!(error instanceof ProviderCallError)) throw error;
        // MTN does not send again: the polling job asks until the provider answers.
        request.log.warn({ err: error }, 'payment notice not confirmed: left to the polling job');
        return reply.status(202).send({ status: 'unconfirmed' });
      }
      if (result.status === 'rejected')
        throw new PublicApiError(PublicErrorCode.WebhookRejected, `notice refused: ${result.reason}`);
      return result.status === 'applied'
        ? { status: result.status, outcome: result.outcome }
        : { status: result.status };
    },
  });
}

function toWebhookResponse(result: WebhookResult): z.input<typeof webhookResponse> {
  if (result.status === 'rejected') {
    throw new PublicApiError(PublicErrorCode.WebhookRejected, `webhook refused: ${result.reason}`);
  }
  if (result.status === 'duplicate') return { status: 'duplicate' };
  return { status: 'applied', outcome: result.outcome };
}
