import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VisaTrustService } from '../services/visa-trust/visa-trust-service.js';
import { matchesEtag } from './entity-tags.js';
import { errorResponses, instantResponse } from './wire.js';

/** What the public trust routes need. */
export interface TrustRoutesDeps {
  readonly visaTrust: Pick<VisaTrustService, 'bundle' | 'cscaPem' | 'signersPem' | 'crl'>;
}

const pemResponse = (what: string) =>
  z.string().describe(`application/x-pem-file: ${what}, each a PEM "CERTIFICATE" block`);

/** The trust bundle (common/vds/trust-bundle.ts), as the hub answers it. */
const trustBundleResponse = z.object({
  format: z.literal('econsulat-vds-trust/1'),
  issuedAt: instantResponse.describe('when the trust it states last changed'),
  cscaCertificates: z.array(z.string()).describe('the CSCA certificates of CAF in force, PEM'),
  signerCertificates: z.array(z.string()).describe('every barcode signer certificate issued, PEM'),
  revokedSigners: z.array(z.object({ serialNumber: z.string(), revokedAt: instantResponse })),
  crls: z
    .array(z.string())
    .optional()
    .describe(
      'the newest X.509 CRL each CSCA in force signed, PEM "X509 CRL": the signed list of revoked signers',
    ),
  revokedDocuments: z.array(
    z.object({
      documentType: z.enum(['visa', 'emergency_travel_document']),
      documentNumber: z.string(),
      revokedAt: instantResponse,
    }),
  ),
});

// Border posts fetch the bundle whenever they have a connection: a short freshness, then a
// revalidation that costs a 304 when nothing changed (RFC 9111 §5.2.2.2, RFC 9110 §13.1.2).
const BUNDLE_CACHE_CONTROL = 'public, max-age=300, must-revalidate';

/**
 * What anyone may fetch without logging in to check a visa or laissez-passer seal offline: the
 * CSCA certificate, the signer certificates and the whole trust bundle (issue 17).
 */
export async function trustRoutes(app: FastifyInstance, deps: TrustRoutesDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { visaTrust } = deps;

  api.get(
    '/api/v1/trust/csca.pem',
    {
      schema: {
        summary: 'The country signing CA certificate(s) of CAF in force',
        tags: ['trust'],
        response: { 200: pemResponse('the CSCA certificates'), ...errorResponses([404]) },
      },
    },
    async (_request, reply) => sendPem(reply, await visaTrust.cscaPem()),
  );

  api.get(
    '/api/v1/trust/signers.pem',
    {
      schema: {
        summary: 'Every barcode signer certificate the CSCA issued to the missions',
        tags: ['trust'],
        response: {
          200: pemResponse('the signer certificates, revoked ones included'),
          ...errorResponses([404]),
        },
      },
    },
    async (_request, reply) => sendPem(reply, await visaTrust.signersPem(), true),
  );

  api.get(
    '/api/v1/trust/crl',
    {
      schema: {
        summary: 'The CSCA’s newest X.509 CRL of revoked barcode signer certificates (DER)',
        tags: ['trust'],
        response: {
          200: z.string().describe('application/pkix-crl (RFC 5280 §5, RFC 2585 §4.2): DER'),
          ...errorResponses([404]),
        },
      },
    },
    async (_request, reply) => {
      const crl = await visaTrust.crl();
      if (!crl)
        return reply
          .status(404)
          .send({ error: { code: 'not_found', message: 'no CRL signed by the CSCA yet' } });
      // Signed once, served as it is: a CRL's freshness is its own nextUpdate (RFC 5280 §5.1.2.5).
      return reply
        .type('application/pkix-crl')
        .header('cache-control', BUNDLE_CACHE_CONTROL)
        .header('last-modified', new Date(crl.thisUpdate).toUTCString())
        .send(Buffer.from(crl.der) as never);
    },
  );

  api.get(
    '/api/v1/trust/bundle',
    {
      schema: {
        summary: 'The trust bundle a border post verifies seals against offline (strong ETag)',
        tags: ['trust'],
        response: { 200: trustBundleResponse, ...errorResponses([404]) },
      },
    },
    async (request, reply) => {
      const published = await visaTrust.bundle();
      if (!published) return notFound(reply);
      reply
        .header('etag', published.etag)
        .header('cache-control', BUNDLE_CACHE_CONTROL)
        .header('last-modified', published.lastModified.toUTCString());
      if (matchesEtag(request.headers['if-none-match'], published.etag)) return notModified(reply);
      // The exact bytes the ETag names: a string with a JSON type is sent as it is.
      return reply.type('application/json; charset=utf-8').send(published.body as never);
    },
  );
}

function sendPem(reply: FastifyReply, pem: string, emptyIsAnswer = false) {
  if (!pem && !emptyIsAnswer) return notFound(reply);
  // Bytes: fastify sends a Buffer as it is, never through the JSON serialiser.
  return reply.type('application/x-pem-file').send(Buffer.from(pem) as never);
}

// 304 carries no body (RFC 9110 §15.4.5): it is left out of the route's documented answers.
function notModified(reply: FastifyReply) {
  return reply.status(304).send();
}

function notFound(reply: FastifyReply) {
  return reply
    .status(404)
    .send({ error: { code: 'not_found', message: 'no CSCA certificate recorded yet' } });
}
