import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NodeConfig } from '../../config/config.js';
import { africasTalkingDelivery } from '../../notify/africastalking-gateway.js';
import type { Domain } from '../../services/domain.js';
import { ApiError } from '../errors.js';
import { gatewayGate } from '../gateway-gate.js';

/** What the delivery report endpoints need from the node. */
export interface SmsReceiptDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
}

/** Where Africa's Talking is told to POST its delivery reports (its "Delivery Reports" callback URL). */
export const AT_REPORTS_PATH = '/api/v1/sms/reports/africastalking';

/**
 * Africa's Talking's delivery report: a form POST with the message's `id` and its `status`
 * (and `phoneNumber`, `networkCode`, `failureReason`, `retryCount`, ignored here).
 */
const atReportSchema = z.looseObject({
  id: z.string().trim().min(1).max(128),
  status: z.string().trim().min(1).max(40),
});

/**
 * `POST /api/v1/sms/reports/africastalking`: behind the same gate as the inbound SMS callback
 * (Africa's Talking signs nothing: the token in the callback URL and the allow-list of its
 * addresses). Always answered 200 once read, a report for an SMS we do not know included (kept
 * aside): a refusal would only make the provider send it again.
 */
export async function smsReceiptRoutes(app: FastifyInstance, deps: SmsReceiptDeps): Promise<void> {
  const gate = gatewayGate(deps.config.ussd);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      const refusal = gate(request);
      if (refusal === undefined) return;
      request.log.warn({ reason: refusal }, 'sms delivery report refused: not the gateway');
      if (refusal === 'missing_token') throw new ApiError('unauthenticated', 'the gateway token is missing');
      throw new ApiError('forbidden', 'not the SMS gateway');
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      AT_REPORTS_PATH,
      {
        bodyLimit: 8 * 1024,
        schema: { summary: 'Africa’s Talking delivery reports', tags: ['sms'], body: atReportSchema },
      },
      async (request, reply) => {
        const { id, status } = request.body;
        const delivery = africasTalkingDelivery(status);
        const outcome =
          delivery === undefined
            ? 'pending'
            : deps.domain.sms.applyReceipt({ providerId: id, delivery, status });
        if (outcome === 'unmatched')
          request.log.info('sms delivery report for an unknown message kept aside');
        void reply.header('cache-control', 'no-store');
        return { received: true, outcome };
      },
    );
  });
}
