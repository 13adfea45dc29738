import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { missionPrefix, type NodeConfig } from '../../config/config.js';
import type { NodeMetrics } from '../../metrics.js';
import type { Domain } from '../../services/domain.js';
import { ussdDomainData } from '../../ussd/ussd-domain-data.js';
import { ussdReply } from '../../ussd/ussd-menu.js';
import { endWith } from '../../ussd/ussd-text.js';
import { toWireError } from '../errors.js';
import { GATEWAY_REFUSALS, type GatewayGate, gatewayGate } from '../gateway-gate.js';
import { callerPhone, limitKey, ussdCallbackSchema } from './ussd-callback.js';

/** What the USSD endpoint needs from the node. */
export interface UssdRouteDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  /** Where refused callbacks are counted and whether the channel takes calls is shown. */
  readonly metrics: Pick<NodeMetrics, 'ussdCallbacksRefused' | 'ussdEnabled'>;
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
 * the gateway (403, counted by reason, before the body is read). Limits per session and per phone
 * number, besides the per-address one; the phone number is never logged.
 *
 * Without a configured token the node still starts and this route refuses every callback (403,
 * reason `disabled`; /healthz and /metrics say so). A mission without a USSD gateway must keep its
 * portal, counter and link running: refusing to start would trade a channel it does not use for
 * all the others, while an open callback would let anyone claim any caller's number.
 */
export async function ussdRoutes(app: FastifyInstance, deps: UssdRouteDeps): Promise<void> {
  const { config, metrics } = deps;
  const isEnabled = config.ussd.token !== undefined;
  metrics.ussdEnabled.set(isEnabled ? 1 : 0);
  for (const reason of GATEWAY_REFUSALS) metrics.ussdCallbacksRefused.labels(reason).inc(0);
  if (!isEnabled) {
    // Info, not warn: a mission without a gateway sees this at every start, by design.
    app.log.info(
      'ussd: disabled, every callback is refused: set MISSION_USSD_TOKEN (node.json ussd.token) to take them',
    );
  }
  await app.register(async (scope) => {
    answerFailuresAsScreens(scope);
    refuseAllButTheGateway(scope, gatewayGate(config.ussd), metrics);
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

// On request, before the body is parsed and before any limit counts the call against a session or
// a phone: a refused callback reads and writes nothing.
function refuseAllButTheGateway(
  scope: FastifyInstance,
  gate: GatewayGate,
  metrics: UssdRouteDeps['metrics'],
) {
  scope.addHook('onRequest', async (request, reply) => {
    const refusal = gate(request);
    if (refusal === undefined) return;
    metrics.ussdCallbacksRefused.labels(refusal).inc();
    request.log.warn({ reason: refusal }, 'ussd callback refused: not the gateway');
    return sendText(reply, 403, NOT_GATEWAY);
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
  const { catalogue, files, appointments, missionHours, rollCalls } = deps.domain;
  return ussdDomainData({
    catalogue,
    files,
    appointments,
    missionHours,
    rollCalls,
    trackingPrefix: missionPrefix(deps.config),
    zone: deps.config.timeZone,
    now: deps.now ?? (() => new Date()),
  });
}
