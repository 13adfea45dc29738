import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { catalogueUpdateSchema, missionIdSchema } from '../../protocol/index.js';
import { periodQuerySchema } from '../dashboards/period.js';
import { cataloguePublicationSchema } from '../services/catalogue/publish-catalogue.js';
import { directiveInputSchema } from '../services/directives/issue-directive.js';
import type { HubServices } from '../services/hub-services.js';
import {
  cataloguePublishedResponse,
  dashboardSummaryResponse,
  directiveIssuedResponse,
  directiveStatusResponse,
  missionsResponse,
  revokedResponse,
  visaDashboardResponse,
} from './api-schemas.js';
import { guarded } from './wire.js';

/** What the ministry API needs: the hub's services, and how to check and name the caller. */
export interface HubApiDeps {
  readonly services: Pick<HubServices, 'missions' | 'catalogue' | 'dashboard' | 'directives'>;
  /** A preHandler that lets through only callers holding the permission. */
  readonly guard: (permission: string) => preHandlerHookHandler;
  /** The authenticated caller's name, for `issuedBy`. */
  readonly actor: (request: FastifyRequest) => string;
}

const periodQuery = z.strictObject({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional() });

/** The hub JSON API of DESIGN.md: missions, dashboard summary, directives. */
export async function hubApiRoutes(app: FastifyInstance, deps: HubApiDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { missions, catalogue, dashboard, directives } = deps.services;

  api.get(
    '/api/v1/missions',
    {
      preHandler: deps.guard('missions.read'),
      schema: {
        summary: 'Every enrolled mission with its link status',
        tags: ['missions'],
        response: { 200: missionsResponse, ...guarded() },
      },
    },
    async () => ({ missions: await missions.list() }),
  );

  api.post(
    '/api/v1/missions/:id/revoke',
    {
      preHandler: deps.guard('missions.manage'),
      schema: {
        summary: 'Revoke a mission: its keys stop working and every mission is told',
        tags: ['missions'],
        params: z.strictObject({ id: missionIdSchema }),
        body: z.strictObject({ reason: z.enum(['compromised', 'retired']) }),
        response: { 200: revokedResponse, ...guarded([404]) },
      },
    },
    async (request) => {
      const list = await missions.revoke(request.params.id, request.body.reason);
      return { revoked: request.params.id, revocationListSerial: list.serial };
    },
  );

  api.get(
    '/api/v1/catalogue',
    {
      preHandler: deps.guard('missions.read'),
      schema: {
        summary: 'The catalogue of services and fees in force',
        tags: ['catalogue'],
        response: { 200: catalogueUpdateSchema, ...guarded([404]) },
      },
    },
    async (_request, reply) => {
      const current = await catalogue.current();
      if (!current)
        return reply
          .status(404)
          .send({ error: { code: 'not_found', message: 'no catalogue published yet' } });
      return current;
    },
  );

  api.post(
    '/api/v1/catalogue',
    {
      preHandler: deps.guard('catalogue.write'),
      schema: {
        summary: 'Publish a new version of the catalogue to every mission',
        tags: ['catalogue'],
        body: cataloguePublicationSchema,
        response: { 201: cataloguePublishedResponse, ...guarded([413]) },
      },
    },
    async (request, reply) => {
      const published = await catalogue.publish(request.body, deps.actor(request));
      return reply.status(201).send({ version: published.update.version, missions: published.missions });
    },
  );

  api.get(
    '/api/v1/dashboard/summary',
    {
      preHandler: deps.guard('dashboard.read'),
      schema: {
        summary: 'Figures over a period (by default the last 30 days)',
        tags: ['dashboard'],
        querystring: periodQuery,
        response: { 200: dashboardSummaryResponse, ...guarded() },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      return dashboard.summary(from ? new Date(from) : undefined, to ? new Date(to) : undefined);
    },
  );

  api.get(
    '/api/v1/dashboard/visas',
    {
      preHandler: deps.guard('dashboard.read'),
      schema: {
        summary: 'Visas and laissez-passer requested, granted, refused and their processing times',
        description:
          'Per mission and per nationality over a period (`periode`, or `du` and `au` as UTC days; the last 30 days by default), of the network or of one `mission`: what the dashboards’ tables show.',
        tags: ['dashboard'],
        querystring: periodQuerySchema({ mission: missionIdSchema.optional() }),
        response: { 200: visaDashboardResponse, ...guarded() },
      },
    },
    async (request) => {
      const { mission, ...filter } = request.query;
      const visas = await dashboard.visas(filter, mission);
      return {
        period: { from: visas.period.from.toISOString(), to: visas.period.to.toISOString() },
        total: visas.total,
        byMission: [...visas.byMission],
        byNationality: [...visas.byNationality],
      };
    },
  );

  api.post(
    '/api/v1/directives',
    {
      preHandler: deps.guard('directives.write'),
      schema: {
        summary: 'Issue a directive to one, several or all missions',
        tags: ['directives'],
        body: directiveInputSchema,
        response: { 201: directiveIssuedResponse, ...guarded([413]) },
      },
    },
    async (request, reply) => {
      const issued = await directives.issue(request.body, deps.actor(request));
      return reply
        .status(201)
        .send({ directive: issued.directive, missions: issued.envelopes.map((e) => e.missionId) });
    },
  );

  api.get(
    '/api/v1/directives/:id',
    {
      preHandler: deps.guard('directives.read'),
      schema: {
        summary: 'A directive and where it stands at each target mission',
        tags: ['directives'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: directiveStatusResponse, ...guarded([404]) },
      },
    },
    async (request, reply) => {
      const directive = await directives.status(request.params.id);
      if (!directive)
        return reply.status(404).send({ error: { code: 'not_found', message: 'no such directive' } });
      return directive;
    },
  );
}
