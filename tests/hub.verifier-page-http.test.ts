import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerifierPageVariant } from '../common/vds/verifier/build-verifier-page.js';
import { buildHubApp } from '../hub/http/app.js';
import { verifierPageRoutes } from '../hub/http/verifier-page-routes.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function hubWith(page?: (variant: VerifierPageVariant) => Promise<string>): Promise<FastifyInstance> {
  app = await buildHubApp({ logLevel: 'silent' });
  await app.register(verifierPageRoutes, page ? { page } : {});
  await app.ready();
  return app;
}

describe('the hub serves the offline verifier page', () => {
  it('sends each variant without login, built once, cacheable, with a policy that lets it fetch nothing', async () => {
    const hub = await hubWith();
    const page = await hub.inject({ url: '/api/v1/trust/verifier.html' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('public, max-age=86400');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).not.toContain('connect-src');
    expect(page.body).toContain('<input type="file" id="seal-photo" accept="image/*" capture="environment">');
    expect(page.body).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const hex = await hub.inject({ url: '/api/v1/trust/verifier-hex.html' });
    expect(hex.statusCode).toBe(200);
    expect(hex.rawPayload.length).toBeLessThan(page.rawPayload.length / 3);

    const again = await hub.inject({
      url: '/api/v1/trust/verifier.html',
      headers: { 'if-none-match': String(page.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('sends the page gzipped to a client that accepts it', async () => {
    const hub = await hubWith(async (variant) => `<!doctype html><p>${variant} ${'x'.repeat(5000)}</p>`);
    const plain = await hub.inject({ url: '/api/v1/trust/verifier-hex.html' });
    const zipped = await hub.inject({
      url: '/api/v1/trust/verifier-hex.html',
      headers: { 'accept-encoding': 'br;q=1, gzip;q=0.8' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(200);
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    const refused = await hub.inject({
      url: '/api/v1/trust/verifier-hex.html',
      headers: { 'accept-encoding': 'gzip;q=0' },
    });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
  });

  it('answers 500 when the page cannot be built, and builds it on the next request', async () => {
    let calls = 0;
    const hub = await hubWith(async () => {
      calls += 1;
      if (calls === 1) throw new Error('esbuild failed');
      return '<!doctype html><p>page</p>';
    });
    const failed = await hub.inject({ url: '/api/v1/trust/verifier.html' });
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain('esbuild');
    const built = await hub.inject({ url: '/api/v1/trust/verifier.html' });
    expect(built.statusCode).toBe(200);
    expect(built.body).toBe('<!doctype html><p>page</p>');
  });
});
