import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { NodeConfig } from '../../config/config.js';
import type { Domain } from '../../services/domain.js';
import { ApiError } from '../errors.js';
import { gatewayGate } from '../gateway-gate.js';
import { callerPhone } from '../ussd/ussd-callback.js';

/** What the inbound SMS endpoint needs from the node. */
export interface SmsInboundDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
}

/** The path the SMS gateway is given for received SMS. */
export const SMS_INBOUND_PATH = '/api/v1/sms/inbound';

/**
 * The convention of the SMS gateways the USSD one comes from (Africa's Talking and those that
 * copied it): a form POST (or JSON) per SMS received. Unknown fields are let through and ignored.
 */
export const smsInboundSchema = z.looseObject({
  from: z.string().trim().min(3).max(32),
  to: z.string().trim().max(32).optional(),
  text: z.string().max(2000).default(''),
  /** When the handset sent it: ISO 8601, or `YYYY-MM-DD HH:MM:SS` in UTC. */
  date: z.string().trim().max(40).optional(),
  /** The gateway's id of the SMS: what makes a retried callback count once. */
  id: z.string().trim().min(1).max(128),
});

/** A callback is a few hundred bytes, a long SMS a few more. */
const BODY_LIMIT = 16 * 1024;

/**
 * `POST /api/v1/sms/inbound`: an SMS received by the mission's number, handed in by the gateway.
 * Authenticated as the USSD callback is, by the same gate and the same gateway's credential
 * (node.json `ussd`: one operator account carries both channels): deny by default, checked on
 * request before the body is read. Answered 200 once recorded, or already recorded under the
 * gateway's id, so the gateway stops retrying; the sender's number is never logged.
 */
export async function smsInboundRoutes(app: FastifyInstance, deps: SmsInboundDeps): Promise<void> {
  const { config } = deps;
  const gate = gatewayGate(config.ussd);
  const region = config.region as CountryCode;
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      const refusal = gate(request);
      if (refusal === undefined) return;
      request.log.warn({ reason: refusal }, 'inbound sms refused: not the gateway');
      if (refusal === 'missing_token') throw new ApiError('unauthenticated', 'the gateway token is missing');
      throw new ApiError('forbidden', 'not the SMS gateway');
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      SMS_INBOUND_PATH,
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          summary: 'The SMS gateway callback for received SMS',
          tags: ['sms'],
          body: smsInboundSchema,
        },
        config: { rateLimit: { max: config.ussd.perAddressPerMinute, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const sms = request.body;
        const outcome = await deps.domain.rollCalls.receiveSmsDurably({
          from: callerPhone(sms.from, region),
          rawFrom: sms.from,
          text: sms.text,
          gatewayId: sms.id,
          sentAt: sentAtOf(sms.date),
        });
        void reply.header('cache-control', 'no-store');
        return { received: true, duplicate: outcome.duplicate };
      },
    );
  });
}

// Gateways send their time without a zone (`2026-03-02 08:00:00`, UTC by their documentation).
function sentAtOf(date: string | undefined): Date | undefined {
  if (date === undefined || date === '') return undefined;
  const iso = date.replace(' ', 'T');
  const parsed = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
