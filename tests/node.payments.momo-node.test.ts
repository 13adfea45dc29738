import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeConfigInput } from '../node/config/config.js';
import { momoSecretSourcesFromEnv, nodeConfigFromEnv } from '../node/config/env.js';
import { loadMomoSecrets } from '../node/config/momo-secrets.js';
import { publicApiRoutes } from '../node/http/api/public/index.js';
import { portalRoutes } from '../node/http/portal/index.js';
import { createJobs } from '../node/jobs/schedule.js';
import { MOMO_NOTICE_PATH } from '../node/services/payments/providers/momo-provider.js';
import { MONDAY_8AM, testClock } from './_util/appointments.js';
import { type MomoTestServer, startMomoTestServer } from './_util/momo-test-server.js';
import { buildTestNode, parisNodeConfig, type TestNode } from './_util/node-app.js';
import { makeTempDir, openTempStore } from './_util/node-store.js';
import { COUNTER_FILE_PHONE, HIGH_LIMITS, openCounterFile, PortalVisitor } from './_util/portal.js';

// The test node builds its domain without providers' secrets: a node enabling MoMo gets the
// local MoMo server's keys, as it would from its environment.
const momo = vi.hoisted(() => ({
  keys: undefined as { apiUser: string; apiKey: string; subscriptionKey: string } | undefined,
}));
vi.mock('../node/services/domain.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../node/services/domain.js')>();
  return {
    ...original,
    createDomain: (...args: Parameters<typeof original.createDomain>) => {
      const [store, config, now] = args;
      if (config.momo === undefined || momo.keys === undefined) return original.createDomain(...args);
      return original.createDomain(store, config, now, { momo: momo.keys });
    },
  };
});

const PUBLIC_URL = 'https://yaounde.consulat-rca.example';
const PAGE_BUDGET = 14 * 1024;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  momo.keys = undefined;
});

async function momoNode(): Promise<{
  node: TestNode;
  server: MomoTestServer;
  clock: ReturnType<typeof testClock>;
}> {
  const server = await startMomoTestServer();
  cleanups.push(server.close);
  momo.keys = { apiUser: server.apiUser, apiKey: server.apiKey, subscriptionKey: server.subscriptionKey };
  const clock = testClock(MONDAY_8AM);
  const config: Partial<NodeConfigInput> = {
    simulatedPayments: false,
    momo: { apiUrl: server.url, targetEnvironment: 'sandbox', publicUrl: PUBLIC_URL },
  };
  const node = await buildTestNode({
    now: clock.now,
    config,
    plugins: [
      (app, deps) => portalRoutes(app, { ...deps, rateLimits: HIGH_LIMITS }),
      (app, deps) => publicApiRoutes(app, deps),
    ],
  });
  cleanups.push(node.cleanup);
  return { node, server, clock };
}

/** The applicant lists the file's invoices and asks to pay by MoMo from `phone`. */
async function payByMomo(node: TestNode, phone = '+237 6 71 23 45 67') {
  const { file, invoice } = openCounterFile(node.domain);
  const visitor = new PortalVisitor(node);
  await visitor.get('/paiement');
  const listed = await visitor.post('/paiement', { numero: file.trackingNumber, secret: COUNTER_FILE_PHONE });
  const started = await visitor.post('/paiement/regler', { invoice: invoice.id, provider: 'momo', phone });
  return { visitor, listed, started, invoice };
}

/** MTN's notice, delivered to the node as MTN sends it (its body is the status answer). */
function deliverNotice(
  node: TestNode,
  server: MomoTestServer,
  referenceId: string,
  method: 'PUT' | 'POST' = 'PUT',
) {
  const notice = server.notice(referenceId, method);
  return node.app.inject({
    method,
    url: notice.url.slice(PUBLIC_URL.length),
    headers: { 'content-type': 'application/json' },
    payload: notice.body,
  });
}

describe('MTN MoMo through a node: portal, notices and the polling job', () => {
  it('asks the payer’s number, waits on a page that refreshes without script, and shows the receipt after MTN’s notice', async () => {
    const { node, server } = await momoNode();
    const { visitor, listed, started, invoice } = await payByMomo(node);
    expect(listed.body).toContain('name="provider" value="momo"');
    expect(listed.body).toContain('name="phone" type="tel"');
    expect(started.statusCode).toBe(303);
    const [referenceId] = [...server.payments.keys()];
    expect(started.headers.location).toBe(`${PUBLIC_URL}/paiement/attente/${referenceId}`);
    expect(server.payments.get(referenceId ?? '')?.body).toMatchObject({
      amount: String(invoice.totalMinor),
      currency: 'XAF',
      payer: { partyIdType: 'MSISDN', partyId: '237671234567' },
    });

    const waiting = await visitor.get(`/paiement/attente/${referenceId}?lang=en`);
    expect(waiting.statusCode).toBe(200);
    expect(waiting.headers.refresh).toBe('5');
    expect(waiting.body).toContain('Approve it with your Mobile Money PIN');
    expect(Buffer.byteLength(waiting.body)).toBeLessThan(PAGE_BUDGET);
    expect(waiting.body).not.toMatch(/<script|\son[a-z]+=/i);

    server.approve(referenceId ?? '');
    const notice = await deliverNotice(node, server, referenceId ?? '');
    expect(notice.statusCode).toBe(200);
    expect(notice.json()).toEqual({ status: 'applied', outcome: 'paid' });
    const replayed = await deliverNotice(node, server, referenceId ?? '', 'POST');
    expect(replayed.json()).toEqual({ status: 'duplicate' });
    expect(node.domain.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);

    const done = await visitor.get(`/paiement/attente/${referenceId}`);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/paiement/retour/${invoice.id}`);
    expect((await visitor.follow(done)).body).toContain('Payment received. Thank you.');
  });

  it('answers 202 to a notice MTN cannot confirm yet, and the polling job records the payment later', async () => {
    const { node, server, clock } = await momoNode();
    const { invoice } = await payByMomo(node);
    const [referenceId = ''] = [...server.payments.keys()];
    server.approve(referenceId);
    server.failNext('/collection/v1_0/requesttopay/', 503);
    const notice = await deliverNotice(node, server, referenceId);
    expect(notice.statusCode).toBe(202);
    expect(notice.json()).toEqual({ status: 'unconfirmed' });
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('open');
    clock.advanceMinutes(1);
    expect(await node.domain.payments.pollPendingCheckouts()).toMatchObject({ settled: 1 });
    expect(node.domain.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
  });

  it('refuses a notice with another secret, without asking MTN', async () => {
    const { node, server } = await momoNode();
    const { invoice } = await payByMomo(node);
    const [referenceId = ''] = [...server.payments.keys()];
    server.approve(referenceId);
    const calls = server.requests.length;
    const forged = await node.app.inject({
      method: 'PUT',
      url: `/api/v1${MOMO_NOTICE_PATH.slice('/api/v1'.length)}/${referenceId}/${'A'.repeat(43)}`,
      headers: { 'content-type': 'application/json' },
      payload: server.notice(referenceId).body,
    });
    expect(forged.statusCode).toBeGreaterThanOrEqual(400);
    expect(forged.statusCode).toBeLessThan(500);
    expect(server.requests).toHaveLength(calls);
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('open');
  });

  it('opens a MoMo checkout through the public API with the payer’s number, and refuses one without', async () => {
    const { node, server } = await momoNode();
    const { invoice } = openCounterFile(node.domain);
    const url = `/api/v1/invoices/${invoice.id}/checkout`;
    const missing = await node.app.inject({ method: 'POST', url, payload: { provider: 'momo' } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.code).toBe('invalid_phone');
    const started = await node.app.inject({
      method: 'POST',
      url,
      payload: { provider: 'momo', payerPhone: '+237671234567' },
    });
    expect(started.statusCode).toBe(201);
    const { checkoutId, redirectUrl } = started.json();
    expect(redirectUrl).toBe(`${PUBLIC_URL}/paiement/attente/${checkoutId}`);
    expect([...server.payments.keys()]).toEqual([checkoutId]);
  });

  it('refuses a number that is not a mobile money number on the portal', async () => {
    const { node, server } = await momoNode();
    const { started } = await payByMomo(node, '12345');
    expect(started.statusCode).toBe(422);
    expect(started.body).toContain('n’est pas un numéro de téléphone valide');
    expect(server.payments.size).toBe(0);
  });

  it('records the payment from the polling job when the notice never comes', async () => {
    const { node, server, clock } = await momoNode();
    const { invoice } = await payByMomo(node);
    const [referenceId = ''] = [...server.payments.keys()];
    server.approve(referenceId);
    const jobs = createJobs({
      store: node.store,
      appointments: node.domain.appointments,
      payments: node.domain.payments,
      config: { dataDir: node.dir, backup: { keep: 2 }, timeZone: 'Europe/Paris' },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    clock.advanceMinutes(1);
    const outcome = await jobs['payment-checkouts'].run();
    expect(outcome).toMatchObject({ status: 'done', result: { looked: 1, settled: 1 } });
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('paid');
  });
});

describe('MTN MoMo configuration and secrets', () => {
  it('reads the switch from the environment, and the keys as values or files only others cannot read', async () => {
    const env = {
      MISSION_ID: 'cm-yaounde',
      MISSION_NAME: 'Yaoundé',
      MISSION_DATA_DIR: '/tmp/x',
      MISSION_REGION: 'CM',
      MISSION_HOST_CURRENCY: 'XAF',
      MISSION_MOMO_ENABLED: 'true',
      MISSION_MOMO_TARGET_ENVIRONMENT: 'mtncameroon',
      MISSION_MOMO_PUBLIC_URL: `${PUBLIC_URL}/`,
      MISSION_MOMO_API_USER: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
      MISSION_MOMO_API_KEY: 'api-key',
      MISSION_MOMO_SUBSCRIPTION_KEY: 'subscription-key',
    };
    expect(nodeConfigFromEnv(env).momo).toEqual({
      apiUrl: 'https://proxy.momoapi.mtn.com',
      targetEnvironment: 'mtncameroon',
      publicUrl: PUBLIC_URL,
      pendingMinutes: 30,
    });
    expect(nodeConfigFromEnv({ ...env, MISSION_MOMO_ENABLED: undefined }).momo).toBeUndefined();
    expect(await loadMomoSecrets(momoSecretSourcesFromEnv(env))).toEqual({
      apiUser: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
      apiKey: 'api-key',
      subscriptionKey: 'subscription-key',
    });
    const temp = await makeTempDir();
    cleanups.push(temp.cleanup);
    const keyFile = join(temp.dir, 'momo-api-key');
    await writeFile(keyFile, 'key-from-file\n', { mode: 0o600 });
    const fromFile = { apiUser: 'u', apiKeyFile: keyFile, subscriptionKey: 's' };
    expect((await loadMomoSecrets(fromFile)).apiKey).toBe('key-from-file');
    await chmod(keyFile, 0o644);
    await expect(loadMomoSecrets(fromFile)).rejects.toThrow(/readable by others/);
    await expect(loadMomoSecrets({ apiUser: 'u', apiKey: 'k' })).rejects.toThrow(
      /MISSION_MOMO_SUBSCRIPTION_KEY or MISSION_MOMO_SUBSCRIPTION_KEY_FILE/,
    );
  });

  it('keeps the keys out of node.json, and does not start a node with MoMo enabled and no keys', async () => {
    const momoSection = { targetEnvironment: 'sandbox', publicUrl: PUBLIC_URL };
    expect(() => parisNodeConfig('/tmp/x', { momo: { ...momoSection, apiKey: 'k' } as never })).toThrow(
      /Unrecognized key/,
    );
    expect(() =>
      parisNodeConfig('/tmp/x', { momo: { ...momoSection, apiUrl: 'http://momo.example.org' } }),
    ).toThrow(/plain http only/);
    const temp = await openTempStore();
    cleanups.push(temp.cleanup);
    const { createDomain } = await vi.importActual<typeof import('../node/services/domain.js')>(
      '../node/services/domain.js',
    );
    expect(() => createDomain(temp.store, parisNodeConfig(temp.dir, { momo: momoSection }))).toThrow(
      /without its keys/,
    );
  });
});
