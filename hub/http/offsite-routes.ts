import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADDRESS_BYTES, fromBase64Url, missionIdSchema } from '../../protocol/index.js';
import type { OffsiteService } from '../services/offsite/offsite-service.js';
import {
  offsiteChunkResponse,
  offsiteGenerationResponse,
  offsiteGenerationsResponse,
} from './api-schemas.js';
import { guarded } from './wire.js';

/** What the restore's download API needs. */
export interface OffsiteRoutesDeps {
  readonly offsite: OffsiteService;
  /** A preHandler that lets through only callers holding the permission, setting `request.user`. */
  readonly guard: (permission: string) => preHandlerHookHandler;
}

const missionParams = z.strictObject({ id: missionIdSchema });
const generationParams = z.strictObject({ id: missionIdSchema, generation: z.coerce.number().int().min(1) });
// base64url of a 32-byte address: 43 characters without padding.
const chunkParams = z.strictObject({ id: missionIdSchema, address: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/**
 * What `econsulat node restore --from-hub` downloads (`offsite.restore`): a mission's generations,
 * a generation's signed manifest (audited: the first step of a restore) and its sealed chunks by
 * address. The hub serves them as it holds them; it cannot open them, and the restore checks each
 * chunk against its address and the manifest against the mission's key.
 */
export async function offsiteRoutes(app: FastifyInstance, deps: OffsiteRoutesDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { offsite } = deps;
  const guard = deps.guard('offsite.restore');

  api.get(
    '/api/v1/missions/:id/offsite-backups',
    {
      preHandler: guard,
      schema: {
        summary: 'A mission’s off-site backup generations, newest first',
        tags: ['offsite'],
        params: missionParams,
        response: { 200: offsiteGenerationsResponse, ...guarded([404]) },
      },
    },
    async (request, reply) => {
      const generations = await offsite.generations(request.params.id);
      if (!generations) return notFound(reply, 'no such mission');
      return { generations };
    },
  );

  api.get(
    '/api/v1/missions/:id/offsite-backups/:generation',
    {
      preHandler: guard,
      schema: {
        summary: 'A generation’s manifest as the mission signed it, and the mission’s key then (audited)',
        tags: ['offsite'],
        params: generationParams,
        response: { 200: offsiteGenerationResponse, ...guarded([404]) },
      },
    },
    async (request, reply) => {
      const { id, generation } = request.params;
      const found = await offsite.manifest(id, generation, actorOf(request));
      if (!found) return notFound(reply, 'no such generation');
      return found;
    },
  );

  api.get(
    '/api/v1/missions/:id/offsite-chunks/:address',
    {
      preHandler: guard,
      schema: {
        summary: 'A sealed chunk by its address (base64url of SHA-256 of its bytes), as bytes',
        tags: ['offsite'],
        params: chunkParams,
        // Documented for the OpenAPI document; the bytes go out as they are (a Buffer is never serialised).
        response: { 200: offsiteChunkResponse, ...guarded([404]) },
      },
    },
    async (request, reply) => {
      const address = fromBase64Url(request.params.address);
      if (address.length !== ADDRESS_BYTES) return notFound(reply, 'no such chunk');
      const chunk = await offsite.chunk(request.params.id, address);
      if (!chunk) return notFound(reply, 'no such chunk');
      // Bytes, not JSON: fastify sends a Buffer as it is, which the reply's types cannot express.
      return reply.type('application/octet-stream').send(Buffer.from(chunk) as never);
    },
  );
}

function actorOf(request: FastifyRequest): string {
  if (!request.user) throw new TypeError('off-site route registered without its guard');
  return `officer:${request.user.username}`;
}

function notFound(reply: FastifyReply, message: string) {
  return reply.status(404).send({ error: { code: 'not_found', message } });
}
