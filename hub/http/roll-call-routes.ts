import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rollCallZoneSchema } from '../../protocol/index.js';
import type { RollCallsService } from '../services/roll-calls/roll-calls-service.js';
import { rollCallInputSchema } from '../services/roll-calls/start-roll-call.js';
import { sendCsv } from './web/send-csv.js';
import { guarded, instantResponse } from './wire.js';

/** What the roll-calls API needs. */
export interface RollCallRoutesDeps {
  readonly rollCalls: RollCallsService;
  /** A preHandler that lets through only callers holding the permission. */
  readonly guard: (permission: string) => preHandlerHookHandler;
  /** The authenticated caller's name, for `issuedBy` and the audit log. */
  readonly actor: (request: FastifyRequest) => string;
}

const countsResponse = z.object({
  people: z.int(),
  reached: z.int(),
  safe: z.int(),
  needHelp: z.int(),
  notInZone: z.int(),
  noAnswer: z.int(),
});
const orderedFields = {
  id: z.uuid(),
  title: z.string(),
  endsAt: instantResponse,
  issuedAt: instantResponse,
  issuedBy: z.string(),
  needHelpList: z.boolean(),
  missionCount: z.int().describe('target missions'),
  reporting: z.int().describe('target missions whose counts arrived'),
  totals: countsResponse.describe('the sum of the missions’ counts'),
};
const listResponse = z.object({
  rollCalls: z.array(z.object(orderedFields)),
  local: z
    .array(
      z.object({
        missionId: z.string(),
        rollCallId: z.string(),
        title: z.string(),
        state: z.enum(['open', 'closed']),
        startedAt: instantResponse,
        countedAt: instantResponse,
        counts: countsResponse,
      }),
    )
    .describe('roll-calls missions started themselves'),
});
const detailResponse = z.object({
  ...orderedFields,
  message: z.object({ fr: z.string(), sg: z.string(), en: z.string() }),
  zone: rollCallZoneSchema,
  missions: z.array(
    z.object({
      missionId: z.string(),
      missionName: z.string(),
      receivedAt: instantResponse.nullable(),
      rollCallId: z.string().nullable(),
      state: z.enum(['open', 'closed']).nullable(),
      countedAt: instantResponse.nullable(),
      counts: countsResponse.nullable(),
    }),
  ),
});
const startedResponse = z.object({ id: z.uuid(), missions: z.array(z.string()) });
const idParams = z.strictObject({ id: z.uuid() });
const notFound = { error: { code: 'not_found', message: 'no such roll-call' } };

/**
 * Crisis roll-calls at HQ (PROTOCOL.md, "Crisis roll-calls"): ordered to missions as a directive
 * (`directives.write`, audited), their counts per mission and network-wide, and as CSV
 * (`directives.read`). Counts only: no person leaves a mission.
 */
export async function rollCallRoutes(app: FastifyInstance, deps: RollCallRoutesDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { rollCalls } = deps;

  api.post(
    '/api/v1/roll-calls',
    {
      preHandler: deps.guard('directives.write'),
      schema: {
        summary: 'Order a crisis roll-call at one, several or all missions',
        tags: ['roll-calls'],
        body: rollCallInputSchema,
        response: { 201: startedResponse, ...guarded([413]) },
      },
    },
    async (request, reply) => {
      const issued = await rollCalls.start(request.body, deps.actor(request));
      return reply
        .status(201)
        .send({ id: issued.directive.directiveId, missions: issued.envelopes.map((e) => e.missionId) });
    },
  );

  api.get(
    '/api/v1/roll-calls',
    {
      preHandler: deps.guard('directives.read'),
      schema: {
        summary: 'Roll-calls with their counts network-wide',
        tags: ['roll-calls'],
        response: { 200: listResponse, ...guarded() },
      },
    },
    async () => {
      const { ordered, local } = await rollCalls.list();
      return { rollCalls: ordered, local };
    },
  );

  api.get(
    '/api/v1/roll-calls/:id',
    {
      preHandler: deps.guard('directives.read'),
      schema: {
        summary: 'A roll-call ordered by the ministry and its counts at each mission',
        tags: ['roll-calls'],
        params: idParams,
        response: { 200: detailResponse, ...guarded([404]) },
      },
    },
    async (request, reply) => {
      const detail = await rollCalls.detail(request.params.id);
      return detail ?? reply.status(404).send(notFound);
    },
  );

  api.get(
    '/api/v1/roll-calls/:id/counts.csv',
    {
      preHandler: deps.guard('directives.read'),
      schema: {
        summary: 'A roll-call’s counts per mission and in total, as CSV',
        tags: ['roll-calls'],
        params: idParams,
        response: { 200: z.string().describe('text/csv'), ...guarded([404]) },
      },
    },
    async (request, reply) => {
      const file = await rollCalls.csv(request.params.id);
      if (!file) return reply.status(404).send(notFound);
      return sendCsv(reply, file);
    },
  );
}
