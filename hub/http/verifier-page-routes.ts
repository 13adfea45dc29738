import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type VerifierPageVariant, verifierPage } from '../../common/vds/verifier/build-verifier-page.js';
import { VERIFIER_PAGE_CSP } from '../../common/vds/verifier/page-shell.js';
import { matchesEtag } from './entity-tags.js';
import { errorResponses } from './wire.js';

/** Where the page comes from: common/vds/verifier's build (cached per process) unless a test says. */
export interface VerifierPageRoutesDeps {
  readonly page?: (variant: VerifierPageVariant) => Promise<string>;
}

/** The page as sent: its bytes, gzipped once, and the entity tag both share. */
interface ServedPage {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

const gzipAsync = promisify(gzip);

// The page changes only with the software: a day's freshness, then a revalidation that costs a 304
// (RFC 9111 §5.2.2.1, RFC 9110 §13.1.2). A border post saves it once and opens it from disk.
const PAGE_CACHE_CONTROL = 'public, max-age=86400';

const PATHS: Readonly<Record<VerifierPageVariant, string>> = {
  reader: '/api/v1/trust/verifier.html',
  hex: '/api/v1/trust/verifier-hex.html',
};

const SUMMARIES: Readonly<Record<VerifierPageVariant, string>> = {
  reader:
    'The offline verifier page, one HTML file (≤ 2 MB) reading a photo of the DataMatrix or the payload in hex',
  hex: 'The offline verifier page without its image decoder (≤ 300 KB): the payload in hex only',
};

/**
 * The offline verifier page, without login, beside the trust bundle it checks seals against
 * (issue 17): built on the first request, then served from memory with an ETag and gzip.
 */
export async function verifierPageRoutes(app: FastifyInstance, deps: VerifierPageRoutesDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const source = deps.page ?? verifierPage;
  const served = new Map<VerifierPageVariant, Promise<ServedPage>>();
  const pageOf = (variant: VerifierPageVariant) => {
    let page = served.get(variant);
    if (!page) {
      page = prepare(source, variant);
      page.catch(() => served.delete(variant));
      served.set(variant, page);
    }
    return page;
  };

  for (const variant of ['reader', 'hex'] as const) {
    api.get(
      PATHS[variant],
      {
        schema: {
          summary: SUMMARIES[variant],
          tags: ['trust'],
          response: {
            200: z.string().describe('text/html: the page, script inlined'),
            ...errorResponses([]),
          },
        },
      },
      async (request, reply) => send(request, reply, await pageOf(variant)),
    );
  }
}

async function prepare(
  source: (variant: VerifierPageVariant) => Promise<string>,
  variant: VerifierPageVariant,
): Promise<ServedPage> {
  const body = Buffer.from(await source(variant));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  return { body, gzipped: await gzipAsync(body, { level: 9 }), etag };
}

function send(request: FastifyRequest, reply: FastifyReply, page: ServedPage) {
  reply
    .header('etag', page.etag)
    .header('cache-control', PAGE_CACHE_CONTROL)
    .header('vary', 'accept-encoding')
    // The page inlines its script: helmet's default policy would block it. This one lets nothing
    // be fetched (page-shell.ts).
    .header('content-security-policy', VERIFIER_PAGE_CSP)
    .type('text/html; charset=utf-8');
  if (matchesEtag(request.headers['if-none-match'], page.etag)) return reply.status(304).send();
  if (acceptsGzip(request.headers['accept-encoding'])) {
    return reply.header('content-encoding', 'gzip').send(page.gzipped as never);
  }
  // Bytes: fastify sends a Buffer as it is, never through the JSON serialiser.
  return reply.send(page.body as never);
}

/** RFC 9110 §12.5.3: gzip listed without q=0. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((coding) => {
    const [name, ...params] = coding.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    return (name === 'gzip' || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}
