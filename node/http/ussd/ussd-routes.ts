import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { missionPrefix, type NodeConfig } from '../../config/config.js';
import type { Domain } from '../../services/domain.js';
import { ussdDomainData } from '../../ussd/ussd-domain-data.js';
import { ussdReply } from '../../ussd/ussd-menu.js';
import { endWith } from '../../ussd/ussd-text.js';
import { ApiError, toWireError } from '../errors.js';
import { callerPhone, isFromGateway, limitKey, ussdCallbackSchema } from './ussd-callback.js';

/** What the USSD endpoint needs from the node. */
export interface UssdRouteDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  readonly now?: () => Date;
}

/** A callback is a few hundred bytes. */
const BODY_LIMIT = 8 * 1024;

// Replies to what went wrong, in both languages: the caller's language is not known yet.
const SORRY = endWith([
  'Desole, demande non traitee. Reessayez plus tard.',
  'Pardon, kiri ti sara ni na peko.',
]);
const BUSY = endWith([
  'Trop de demandes. Reessayez dans une minute.',
  'Aye mingi. Kiri na peko ti miniti oko.',
]);
const NOT_GATEWAY = endWith(['Service indisponible.', 'Service ayeke pepe.']);

function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .status(status)
    .type('text/plain; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(text);
}

/**
 * `POST /ussd`: the gateway's callback at each step of a session, answered in plain text starting
 * `CON ` (the menu goes on) or `END `. Anything wrong with a callback is still answered 200 with an
 * `END` apology (gateways show the handset nothing useful otherwise), except a caller that is not
 * the gateway (403). Limits per session and per phone number, besides the per-address one; the
 * phone number is never logged.
 */
export async function ussdRoutes(app: FastifyInstance, deps: UssdRouteDeps): Promise<void> {
  const { config } = deps;
  if (config.ussd.token === undefined) {
    // Info, not warn: the demo runs at warn and has no gateway; production logs at info.
    app.log.info('ussd: no gateway token configured; anyone reaching the node may claim any caller number');
  }
  await app.register(async (scope) => {
    answerFailuresAsScreens(scope);
    scope.addHook('onRequest', async (request) => {
      if (!isFromGateway(request, config.ussd.token)) throw new ApiError('forbidden', 'not the USSD gateway');
    });
    const isOverLimit = callbackLimits(scope, config);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/ussd',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          summary: 'The USSD gateway callback (plain-text CON/END reply)',
          tags: ['ussd'],
          body: ussdCallbackSchema,
        },
        config: { rateLimit: { max: config.ussd.perAddressPerMinute, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const call = request.body;
        const phone = callerPhone(call.phoneNumber, config.region as CountryCode);
        if (await isOverLimit(request, call.sessionId, phone ?? call.phoneNumber)) {
          return sendText(reply, 200, BUSY);
        }
        return sendText(reply, 200, ussdReply({ text: call.text, phone }, dataFor(deps)));
      },
    );
  });
}

// Every failure, from the content-type parser to the per-address limit, still gets a screen.
function answerFailuresAsScreens(scope: FastifyInstance): void {
  scope.setErrorHandler((error, request, reply) => {
    const wire = toWireError(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'ussd callback failed');
    else request.log.warn({ code: wire.body.error.code }, 'ussd callback refused');
    if (wire.status === 403) return sendText(reply, 403, NOT_GATEWAY);
    return sendText(reply, 200, wire.status === 429 ? BUSY : SORRY);
  });
}

/**
 * Counts a callback against its session and its phone number; true when either is over its limit.
 * A callback refused for its session does not count against the phone.
 */
function callbackLimits(scope: FastifyInstance, config: NodeConfig) {
  const keys = new WeakMap<FastifyRequest, { session: string; phone: string }>();
  const limiter = (max: number, kind: 'session' | 'phone') =>
    scope.createRateLimit({
      max,
      timeWindow: 60_000,
      keyGenerator: (request) => keys.get(request)?.[kind] ?? `ussd:${kind}:?`,
    });
  const limits = [
    limiter(config.ussd.perSessionPerMinute, 'session'),
    limiter(config.ussd.perPhonePerMinute, 'phone'),
  ];
  return async (request: FastifyRequest, sessionId: string, phone: string): Promise<boolean> => {
    keys.set(request, { session: limitKey('session', sessionId), phone: limitKey('phone', phone) });
    for (const limit of limits) {
      const outcome = await limit(request);
      if (!outcome.isAllowed && outcome.isExceeded) return true;
    }
    return false;
  };
}

function dataFor(deps: UssdRouteDeps) {
  const { catalogue, files, appointments, missionHours } = deps.domain;
  return ussdDomainData({
    catalogue,
    files,
    appointments,
    missionHours,
    trackingPrefix: missionPrefix(deps.config),
    zone: deps.config.timeZone,
    now: deps.now ?? (() => new Date()),
  });
}
