import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VisaTrustService } from '../services/visa-trust/visa-trust-service.js';
import { guarded, instantResponse } from './wire.js';

/** What the ministry's revocation of a visa needs. */
export interface VisaRevocationRoutesDeps {
  readonly visaTrust: Pick<VisaTrustService, 'revokeDocument'>;
  /** A preHandler that lets through only callers holding the permission, setting `request.user`. */
  readonly guard: (permission: string) => preHandlerHookHandler;
}

const revokedVisaResponse = z.object({
  documentType: z.enum(['visa', 'emergency_travel_document']),
  documentNumber: z.string(),
  revokedAt: instantResponse,
  revokedBy: z.string(),
  reason: z.string(),
  alreadyRevoked: z.boolean().describe('the document was revoked before: the first revocation stands'),
});

/**
 * `POST /api/v1/visas/:number/revoke` (`visas.revoke`, audited): the number in the document's
 * MRZ joins the trust bundle's revoked documents; a border post that fetched the bundle since
 * refuses its seal as `revoked_document`. A laissez-passer is revoked the same way with
 * `documentType: emergency_travel_document`.
 */
export async function visaRevocationRoutes(
  app: FastifyInstance,
  deps: VisaRevocationRoutesDeps,
): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/api/v1/visas/:number/revoke',
    {
      preHandler: deps.guard('visas.revoke'),
      schema: {
        summary: 'Revoke a visa (or a laissez-passer): its seal is refused wherever the bundle reaches',
        tags: ['visas'],
        params: z.strictObject({
          number: z
            .string()
            .regex(/^[A-Z0-9]{1,9}$/, 'the document number of the MRZ: 1 to 9 capitals or digits'),
        }),
        body: z.strictObject({
          reason: z.string().trim().min(3).max(500),
          documentType: z.enum(['visa', 'emergency_travel_document']).default('visa'),
        }),
        response: { 200: revokedVisaResponse, ...guarded() },
      },
    },
    async (request) => {
      const { revocation, alreadyRevoked } = await deps.visaTrust.revokeDocument(
        {
          documentType: request.body.documentType,
          documentNumber: request.params.number,
          reason: request.body.reason,
        },
        actorOf(request),
      );
      return { ...revocation, revokedAt: new Date(revocation.revokedAt).toISOString(), alreadyRevoked };
    },
  );
}

function actorOf(request: FastifyRequest): string {
  if (!request.user) throw new TypeError('visa revocation route registered without its guard');
  return `officer:${request.user.username}`;
}
