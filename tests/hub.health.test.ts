import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildHubApp } from '../hub/http/app.js';
import { hubHealthRoutes } from '../hub/http/health.js';
import { createHub, type MinistryHub } from '../hub/index.js';
import type { HealthService } from '../hub/services/health/health-service.js';
import { HUB_ID, Identity, ready } from '../protocol/index.js';
import { throwawayHubConfig } from './_util/hub-fixtures.js';
import { metricsAuth, TEST_METRICS_TOKEN } from './_util/metrics-scrape.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

const SCRAPE = '# TYPE econsulat_hub_missions gauge\neconsulat_hub_missions 2\n';

/** The hub's probes over a stand-in health service whose scrape, the counting part, may fail. */
async function probes(options: { metricsToken?: string; scrape?: () => Promise<string> } = {}) {
  const health: HealthService = {
    databaseAnswers: async () => true,
    metrics: async () => ({
      contentType: 'text/plain; version=0.0.4',
      text: await (options.scrape ?? (async () => SCRAPE))(),
    }),
  };
  const app = await buildHubApp({ logLevel: 'silent' });
  await app.register(hubHealthRoutes, {
    health,
    linkConnected: () => true,
    version: 'test',
    metricsToken: options.metricsToken,
  });
  apps.push(app);
  return app;
}

const get = (
  app: FastifyInstance,
  url: string,
  extra: { headers?: Record<string, string>; remoteAddress?: string } = {},
) => app.inject({ method: 'GET', url, ...extra });

describe('hub health: /metrics', () => {
  it('answers 404 when the hub has no metrics token, as a route it does not serve', async () => {
    const app = await probes();
    expect((await get(app, '/metrics')).statusCode).toBe(404);
    expect((await get(app, '/metrics', { headers: metricsAuth() })).statusCode).toBe(404);
  });

  it('answers 403 without the bearer token or with a wrong one, 200 with it', async () => {
    const app = await probes({ metricsToken: TEST_METRICS_TOKEN });
    const missing = await get(app, '/metrics');
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toEqual({
      error: { code: 'forbidden', message: 'the metrics token is missing or wrong' },
    });
    expect(
      (await get(app, '/metrics', { headers: metricsAuth('another-token-0123456789') })).statusCode,
    ).toBe(403);
    const allowed = await get(app, '/metrics', { headers: metricsAuth() });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toBe(SCRAPE);
    // RFC 7235 §2.1: the scheme's name in any case.
    const lower = await get(app, '/metrics', { headers: { authorization: `bearer ${TEST_METRICS_TOKEN}` } });
    expect(lower.statusCode).toBe(200);
  });
});

describe('hub health: /healthz', () => {
  // The counts are the scrape's: a probe anyone can call costs a SELECT 1.
  it('answers without reading the counts: with the scrape failing, still ok', async () => {
    const app = await probes({
      scrape: async () => {
        throw new Error('a count was read');
      },
    });
    const response = await get(app, '/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', version: 'test', database: 'ok', broker: 'connected' });
  });

  it('limits each client address to 60 probes a minute, leaving another address alone', async () => {
    const app = await probes();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++)
      statuses.push((await get(app, '/healthz', { remoteAddress: '198.51.100.7' })).statusCode);
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    expect((await get(app, '/healthz', { remoteAddress: '203.0.113.20' })).statusCode).toBe(200);
  });
});

describe('hub health: as createHub wires it', () => {
  let dir: TempDir | undefined;
  let hub: MinistryHub | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await hub?.close();
    await dir?.cleanup();
    hub = dir = undefined;
  });

  it('serves /metrics with the configured token only, /healthz to anyone', async () => {
    dir = await makeTempDir('econsulat-hub-');
    hub = await createHub(throwawayHubConfig(dir.dir), Identity.generate(HUB_ID));
    const { app } = hub.context;
    expect((await get(app, '/metrics')).statusCode).toBe(403);
    const scraped = await get(app, '/metrics', { headers: metricsAuth() });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('econsulat_hub_');
    expect((await get(app, '/healthz')).json()).toMatchObject({ status: 'ok', database: 'ok' });
  });
});
