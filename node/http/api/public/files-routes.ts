import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { PUBLIC_ACTOR, type PublicRouteDeps, perMinute } from './deps.js';
import {
  fileLookupResponse,
  lookupHeaders,
  openedFileResponse,
  openFileBody,
  SECRET_HEADER,
  toLookupResponse,
  trackingParams,
} from './file-schemas.js';
import { errorResponses, noQuery } from './wire.js';

/** `POST /files` (a file opened online) and `GET /files/:trackingNumber` (status, or details with the secret). */
export async function filesRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { files, payments } = deps.domain;

  api.post(
    '/files',
    {
      schema: {
        summary: 'Open a file (dossier) online; answers its tracking number',
        tags: ['files'],
        body: openFileBody(deps.config.region as CountryCode),
        response: { 201: openedFileResponse, ...errorResponses([404, 422], { body: true }) },
      },
      config: perMinute(deps.limits.submission),
    },
    async (request, reply) => {
      const { service, applicant, lang, note } = request.body;
      const input = { applicant, serviceCode: service, lang };
      const file = files.openOnline(note === undefined ? input : { ...input, note }, PUBLIC_ACTOR);
      return reply.status(201).send({
        trackingNumber: file.trackingNumber,
        service: file.serviceCode,
        state: file.state,
        openedAt: file.openedAt,
      });
    },
  );

  api.get(
    '/files/:trackingNumber',
    {
      schema: {
        summary: `A file's status; its details with the applicant's secret in the ${SECRET_HEADER} header (five wrong secrets lock the details for a while: 429 lookup_locked)`,
        tags: ['files'],
        params: trackingParams,
        querystring: noQuery,
        headers: lookupHeaders,
        response: { 200: fileLookupResponse, ...errorResponses([404]) },
      },
      config: lookupLimit(deps),
    },
    async (request, reply) => {
      const { trackingNumber } = request.params;
      const view = files.lookup(trackingNumber, request.headers[SECRET_HEADER]);
      const invoices = () => {
        const file = files.findByTrackingNumber(trackingNumber);
        return file ? payments.invoicesOfFile(file.id) : [];
      };
      // Details depend on a header: no cache may keep them, or give them to the next person.
      void reply.header('cache-control', 'no-store').header('vary', SECRET_HEADER);
      return toLookupResponse(view, invoices);
    },
  );
}

// Guesses at a secret get their own, tighter bucket than plain status checks from the same address.
function lookupLimit(deps: PublicRouteDeps) {
  const hasSecret = (headers: Record<string, unknown>) => headers[SECRET_HEADER] !== undefined;
  return {
    rateLimit: {
      timeWindow: '1 minute',
      keyGenerator: (request: { ip: string; headers: Record<string, unknown> }) =>
        `${request.ip}|${hasSecret(request.headers) ? 'secret' : 'status'}`,
      max: (request: { headers: Record<string, unknown> }) =>
        hasSecret(request.headers) ? deps.limits.lookupWithSecret : deps.limits.lookup,
    },
  };
}
