import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { publicApiRoutes } from '../node/http/api/public/index.js';
import type { HealthLink } from '../node/http/health.js';
import { healthRoutes } from '../node/http/health.js';
import { createNode } from '../node/index.js';
import { createNodeMetrics } from '../node/metrics.js';
import type { HealthReadings } from '../node/services/health/health-readings.js';
import { newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { keepRecoveredEvents } from '../node/services/recovery/recovered-events.js';
import { Identity, ready, sodium } from '../protocol/index.js';
import { applicant, TUESDAY_9AM, testClock } from './_util/appointments.js';
import { metricsAuth, scrapeApp, TEST_METRICS_TOKEN } from './_util/metrics-scrape.js';
import { buildTestNode, parisNodeConfig, type TestNode, type TestNodeOptions } from './_util/node-app.js';
import { makeTempDir } from './_util/node-store.js';
import { fakePng } from './_util/scans.js';
import { counterFile } from './_util/staff-counter.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const METRIC_NAMES = [
  'econsulat_http_request_duration_seconds',
  'econsulat_link_envelopes_refused_total',
  'econsulat_link_messages_applied_total',
  'econsulat_link_connected',
  'econsulat_outbox_backlog_events',
  'econsulat_database_bytes',
  'econsulat_documents_stored_bytes',
  'econsulat_recovered_events_to_review',
  'econsulat_ussd_enabled',
  'econsulat_ussd_callbacks_refused_total',
  'econsulat_link_last_sent_timestamp_seconds',
];

interface HealthNodeOptions {
  readonly link?: HealthLink;
  readonly config?: TestNodeOptions['config'];
  /** Wraps the domain's health readings (to make some of them fail). */
  readonly readings?: (health: HealthReadings) => HealthReadings;
}

/** A Paris mission with its public API and health routes, its hub link as `link` says. */
async function healthNode(options: HealthNodeOptions = {}): Promise<TestNode> {
  const clock = testClock();
  const metrics = createNodeMetrics('fr-paris');
  const node = await buildTestNode({
    now: clock.now,
    ...(options.config ? { config: options.config } : {}),
    plugins: [
      (app, deps) => publicApiRoutes(app, deps),
      (app, { domain, config }) =>
        healthRoutes(app, {
          health: options.readings ? options.readings(domain.health) : domain.health,
          metrics,
          link: options.link,
          version: 'test',
          config,
        }),
    ],
  });
  cleanups.push(node.cleanup);
  return node;
}

function fakeLink(connected: boolean, held = 0, lastSentAt?: number): HealthLink {
  return { status: () => ({ connected, lastConnectedAt: undefined, lastSentAt }), heldCount: () => held };
}

async function healthz(node: Pick<TestNode, 'app'>, remoteAddress?: string) {
  return node.app.inject({ method: 'GET', url: '/healthz', ...(remoteAddress ? { remoteAddress } : {}) });
}

async function metricsText(node: Pick<TestNode, 'app'>): Promise<string> {
  return scrapeApp(node.app);
}

function counted(): never {
  throw new Error('a count was read');
}

/** The value of one sample line (name with its labels, as Prometheus prints it). */
function sample(text: string, pattern: RegExp): number | undefined {
  const line = text.split('\n').find((candidate) => pattern.test(candidate));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('node health: /healthz', () => {
  it('answers 200 with the database, the link, the USSD channel and the version, and no counts', async () => {
    const node = await healthNode();
    const response = await healthz(node);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      version: 'test',
      database: 'ok',
      hubLink: 'not_configured',
      ussd: 'disabled',
      lastSentAt: null,
    });
  });

  it('says USSD is enabled once the node has a gateway token', async () => {
    const node = await healthNode({ config: { ussd: { token: 'gateway-token-0123456789' } } });
    expect((await healthz(node)).json()).toMatchObject({ ussd: 'enabled' });
  });

  // A probe anyone can call costs a SELECT 1: every count throws here, the probe still answers.
  it('reads no count: with every count of the readings and of the link failing, it still answers ok', async () => {
    const node = await healthNode({
      link: { status: fakeLink(true).status, heldCount: counted },
      readings: (health) => ({
        isDatabaseUp: () => health.isDatabaseUp(),
        outboxBacklog: counted,
        databaseBytes: counted,
        documentBytes: counted,
        recoveredToReview: counted,
        recoveredByOutcome: counted,
      }),
    });
    const response = await healthz(node);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', hubLink: 'connected' });
  });

  // The hub shows this same instant as the mission's last seen once it has taken the message.
  it('shows the timestamp of the newest envelope the link sent to the hub', async () => {
    const sentAt = Date.parse('2026-03-02T07:00:01.234Z');
    const node = await healthNode({ link: fakeLink(true, 0, sentAt) });
    expect((await healthz(node)).json()).toMatchObject({ lastSentAt: '2026-03-02T07:00:01.234Z' });
  });

  // The mission works without the hub: a link down is reported, never a reason to fail the probe.
  it('reports the hub link connected or disconnected and stays healthy either way', async () => {
    for (const [connected, hubLink] of [
      [true, 'connected'],
      [false, 'disconnected'],
    ] as const) {
      const response = await healthz(await healthNode({ link: fakeLink(connected) }));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ok', hubLink });
    }
  });

  it('answers 503 failing once the database no longer answers', async () => {
    const node = await healthNode();
    node.store.close();
    const response = await healthz(node);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'failing',
      version: 'test',
      database: 'failing',
      hubLink: 'not_configured',
      ussd: 'disabled',
      lastSentAt: null,
    });
  });

  it('limits each client address to 60 probes a minute, leaving another address alone', async () => {
    const node = await healthNode();
    const flood = [];
    for (let i = 0; i < 61; i++) flood.push((await healthz(node, '198.51.100.7')).statusCode);
    expect(flood.slice(0, 60).every((status) => status === 200)).toBe(true);
    expect(flood[60]).toBe(429);
    expect((await healthz(node, '203.0.113.20')).statusCode).toBe(200);
  });
});

describe('node health: /metrics', () => {
  it('answers 404 when the node has no metrics token, as a route it does not serve', async () => {
    const node = await healthNode({ config: { metrics: {} } });
    expect((await node.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    const withSome = await node.app.inject({ method: 'GET', url: '/metrics', headers: metricsAuth() });
    expect(withSome.statusCode).toBe(404);
  });

  it('answers 403 without the bearer token or with a wrong one, 200 with it', async () => {
    const node = await healthNode();
    const scrape = (headers: Record<string, string>) =>
      node.app.inject({ method: 'GET', url: '/metrics', headers });
    const missing = await scrape({});
    expect(missing.statusCode).toBe(403);
    expect(missing.body).not.toContain('econsulat_');
    expect((await scrape(metricsAuth(`${TEST_METRICS_TOKEN}x`))).statusCode).toBe(403);
    expect((await scrape({ authorization: `Basic ${TEST_METRICS_TOKEN}` })).statusCode).toBe(403);
    const allowed = await scrape(metricsAuth());
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('econsulat_database_bytes');
  });

  it('sets the link gauges and counts the events held by the link in the backlog', async () => {
    const sentAt = Date.parse('2026-03-02T07:00:01.234Z');
    const node = await healthNode({ link: fakeLink(true, 3, sentAt) });
    const text = await metricsText(node);
    expect(sample(text, /^econsulat_link_connected\{/)).toBe(1);
    expect(sample(text, /^econsulat_link_last_sent_timestamp_seconds\{/)).toBe(sentAt / 1000);
    expect(sample(text, /^econsulat_outbox_backlog_events\{/)).toBe(outboxBacklog(node.store).count + 3);
    const down = await metricsText(await healthNode({ link: fakeLink(false) }));
    expect(sample(down, /^econsulat_link_connected\{/)).toBe(0);
  });

  it('counts the events a booking writes to the outbox in the backlog', async () => {
    const node = await healthNode();
    const backlog = async () => sample(await metricsText(node), /^econsulat_outbox_backlog_events\{/) ?? 0;
    const before = await backlog();
    const booked = await node.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      payload: { service: 'passport-renewal', slotStart: TUESDAY_9AM, ...applicant(1) },
    });
    expect(booked.statusCode).toBe(201);
    const after = await backlog();
    expect(after).toBeGreaterThan(before);
    expect(after).toBe(outboxBacklog(node.store).count);
  });

  // The operator watches disk space: the database (copied whole every night) and the scans beside it.
  it('reports the database size and the bytes of scans kept, a 2 MB scan counted beside the database', async () => {
    const node = await healthNode();
    const before = await metricsText(node);
    expect(sample(before, /^econsulat_documents_stored_bytes\{/)).toBe(0);
    const databaseBefore = sample(before, /^econsulat_database_bytes\{/)!;
    expect(databaseBefore).toBeGreaterThan(0);
    const file = counterFile(node.domain, 'Awa', 'Ngbanda', 'amina');
    await node.domain.files.addDocument(
      file.id,
      { label: 'Photo', contentType: 'image/png', bytes: fakePng(2_000_000) },
      'amina',
    );
    const after = await metricsText(node);
    expect(sample(after, /^econsulat_documents_stored_bytes\{/)).toBe(2_000_000);
    expect(sample(after, /^econsulat_database_bytes\{/)).toBeLessThan(databaseBefore + 100_000);
  });

  it('counts the records recovered after a restore that wait for an agent', async () => {
    const node = await healthNode();
    expect(sample(await metricsText(node), /^econsulat_recovered_events_to_review\{/)).toBe(0);
    const lost = newEvent({
      kind: 'file.opened',
      entity: 'file',
      entityId: 'f-1',
      data: { state: 'submitted' },
    });
    keepRecoveredEvents(node.store, [lost], new Date().toISOString());
    expect(sample(await metricsText(node), /^econsulat_recovered_events_to_review\{/)).toBe(1);
  });

  // buildTestNode keeps its metrics to itself: request durations show only through the node's own wiring.
  it('serves Prometheus text with every metric, and counts the requests made', async () => {
    await ready();
    const temp = await makeTempDir();
    const config = parisNodeConfig(temp.dir);
    const secrets = { identity: Identity.generate(config.missionId), dataKey: sodium.randombytes_buf(32) };
    const node = await createNode(config, secrets);
    cleanups.push(async () => {
      await node.close();
      await temp.cleanup();
    });
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect((await healthz(node)).json()).toMatchObject({
      version: pkg.version,
      hubLink: 'not_configured',
      ussd: 'disabled',
    });

    const response = await node.app.inject({ method: 'GET', url: '/metrics', headers: metricsAuth() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of METRIC_NAMES) expect(response.body).toContain(`# TYPE ${name} `);

    const healthzCount =
      /^econsulat_http_request_duration_seconds_count\{.*route="\/healthz",method="GET",status="200"/;
    expect(sample(response.body, healthzCount)).toBe(1);
    await healthz(node);
    await healthz(node);
    expect(sample(await metricsText(node), healthzCount)).toBe(3);
    // No gateway token in this config: the USSD channel says it is off.
    expect(sample(response.body, /^econsulat_ussd_enabled\{/)).toBe(0);
  });
});
