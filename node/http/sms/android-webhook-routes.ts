import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { NodeConfig } from '../../config/config.js';
import type { Domain } from '../../services/domain.js';
import { ApiError } from '../errors.js';
import { callerPhone } from '../ussd/ussd-callback.js';

/** What the Android gateway's webhook needs. */
export interface AndroidWebhookDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  /** The app's webhook signing key; without it the endpoint refuses everything. */
  readonly signingKey: string | undefined;
}

/** Where the phone's webhooks (sms:sent, sms:delivered, sms:failed, sms:received) are registered. */
export const ANDROID_WEBHOOK_PATH = '/api/v1/sms/webhooks/android';

/** A signed webhook older or newer than this is refused: a replay (the app's docs advise ±5 min). */
const TOLERANCE_SECONDS = 300;

const webhookSchema = z.looseObject({
  event: z.string(),
  payload: z.looseObject({
    messageId: z.string().min(1).max(128),
    phoneNumber: z.string().max(32).optional(),
    message: z.string().max(2000).optional(),
    receivedAt: z.string().max(40).optional(),
  }),
});

/**
 * `POST /api/v1/sms/webhooks/android`: the phone's events, signed by the app (HMAC-SHA256 of the
 * raw body followed by `X-Timestamp`, hex in `X-Signature`). sms:delivered and sms:failed are
 * receipts by the message id the node gave (its SMS key); sms:received goes where the inbound SMS
 * callback sends its SMS; anything else is answered 200 and ignored.
 */
export async function androidWebhookRoutes(app: FastifyInstance, deps: AndroidWebhookDeps): Promise<void> {
  await app.register(async (scope) => {
    // The signature covers the bytes as sent: keep them as a string, parse after checking.
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_req, body, done) => done(null, body),
    );
    scope.post(ANDROID_WEBHOOK_PATH, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const refusal = signatureRefusal(deps.signingKey, raw, request.headers, Date.now());
      if (refusal !== undefined) {
        request.log.warn({ reason: refusal }, 'android gateway webhook refused');
        throw new ApiError('forbidden', 'not the SMS gateway');
      }
      const parsed = webhookSchema.safeParse(safeJson(raw));
      if (!parsed.success) throw new ApiError('invalid_request', 'not a webhook of the Android gateway');
      const { event, payload } = parsed.data;
      void reply.header('cache-control', 'no-store');
      if (event === 'sms:delivered' || event === 'sms:failed') {
        const delivery = event === 'sms:delivered' ? 'delivered' : 'undelivered';
        const outcome = deps.domain.sms.applyReceipt({
          providerId: payload.messageId,
          delivery,
          status: event,
        });
        return { received: true, outcome };
      }
      if (event === 'sms:received' && payload.phoneNumber !== undefined) {
        const outcome = await deps.domain.rollCalls.receiveSmsDurably({
          from: callerPhone(payload.phoneNumber, deps.config.region as CountryCode),
          rawFrom: payload.phoneNumber,
          text: payload.message ?? '',
          // The app's id of a received SMS is a hash of its content: with the time, one SMS.
          gatewayId: `android:${payload.messageId}:${payload.receivedAt ?? ''}`,
        });
        return { received: true, duplicate: outcome.duplicate };
      }
      return { received: true, outcome: 'ignored' };
    });
  });
}

/** Why a webhook's signature is refused, or undefined when it is the app's and recent. */
export function signatureRefusal(
  key: string | undefined,
  raw: string,
  headers: Record<string, string | string[] | undefined>,
  nowMs: number,
): 'disabled' | 'unsigned' | 'stale' | 'bad_signature' | undefined {
  if (!key) return 'disabled';
  const signature = headers['x-signature'];
  const timestamp = headers['x-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'unsigned';
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS)
    return 'stale';
  const expected = createHmac('sha256', key)
    .update(raw + timestamp)
    .digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad_signature';
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
