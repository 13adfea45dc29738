import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeConfigInput } from '../node/config/config.js';
import { checkLines, checkProviders } from '../ops/commands/node-check-providers.js';
import { type AtTestServer, startAtTestServer } from './_util/africastalking-test-server.js';
import { type AndroidTestServer, startAndroidTestServer } from './_util/android-gateway-test-server.js';
import { type MomoTestServer, startMomoTestServer } from './_util/momo-test-server.js';
import { parisNodeConfig } from './_util/node-app.js';
import { type SmppTestServer, startSmppTestServer } from './_util/smpp-test-server.js';

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});

function config(overrides: Partial<NodeConfigInput>) {
  return parisNodeConfig('/tmp/econsulat-check-providers', overrides);
}

async function smppServer(): Promise<SmppTestServer> {
  const server = await startSmppTestServer({ systemId: 'consulat', password: 'sesame' });
  closers.push(() => server.close());
  return server;
}

describe('econsulat node check-providers', () => {
  it('binds to the SMSC with the account and says so, or says the password was refused', async () => {
    const server = await smppServer();
    const smpp = config({
      sms: {
        gateway: 'smpp',
        host: '127.0.0.1',
        port: server.port,
        systemId: 'consulat',
        sourceAddr: 'CONSULAT',
      },
    });
    const [good] = await checkProviders(smpp, { sms: { smppPassword: 'sesame' } });
    expect(good).toMatchObject({ provider: 'SMS (SMPP)', ok: true });
    const [bad] = await checkProviders(smpp, { sms: { smppPassword: 'wrong' } });
    expect(bad?.ok).toBe(false);
    expect(bad?.detail).toMatch(/mot de passe refusé/);
    expect(server.submits).toEqual([]);
  });

  it('reads the Africa’s Talking account, or says the key was refused', async () => {
    const server: AtTestServer = await startAtTestServer({ username: 'consulat', apiKey: 'atsk_1' });
    closers.push(() => server.close());
    const at = config({ sms: { gateway: 'africastalking', username: 'consulat', apiUrl: server.url } });
    expect((await checkProviders(at, { sms: { atApiKey: 'atsk_1' } }))[0]).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/solde XAF 1500/),
    });
    expect((await checkProviders(at, { sms: { atApiKey: 'nope' } }))[0]?.detail).toMatch(/clé d’API/);
    expect(server.sends).toEqual([]);
  });

  it('asks the Android phone its health, or says its password was refused', async () => {
    const server: AndroidTestServer = await startAndroidTestServer({ username: 'sms', password: 'p4ss' });
    closers.push(() => server.close());
    const android = config({ sms: { gateway: 'android', url: server.url } });
    expect((await checkProviders(android, { sms: { androidPassword: 'p4ss' } }))[0]).toMatchObject({
      ok: true,
    });
    expect((await checkProviders(android, { sms: { androidPassword: 'x' } }))[0]?.detail).toMatch(
      /mot de passe refusé/,
    );
  });

  it('gets a MoMo token with the keys, and reports a missing secret and an unreachable gateway in French', async () => {
    const momo: MomoTestServer = await startMomoTestServer();
    const withMomo = config({
      sms: { gateway: 'android', url: 'http://127.0.0.1:9' },
      momo: { targetEnvironment: 'sandbox', publicUrl: 'https://node.example', apiUrl: momo.url },
    });
    const checks = await checkProviders(withMomo, {
      momo: { apiUser: momo.apiUser, apiKey: momo.apiKey, subscriptionKey: momo.subscriptionKey },
      missing: { sms: 'SMS Gateway for Android is enabled: set MISSION_ANDROID_GATEWAY_PASSWORD' },
    });
    expect(checks.map((c) => [c.provider, c.ok])).toEqual([
      ['SMS (téléphone Android)', false],
      ['MTN MoMo', true],
    ]);
    expect(checkLines(checks)[0]).toMatch(/^ÉCHEC {2}SMS \(téléphone Android\) : secret manquant/);
    const unreachable = await checkProviders(withMomo, { sms: { androidPassword: 'x' } });
    expect(unreachable[0]?.detail).toMatch(/injoignable/);
  });

  it('reads Stripe’s balance with the secret key, or says the key was refused', async () => {
    // Stripe's GET /v1/balance: 200 for a valid key, 401 otherwise.
    const stripe = createServer((req, res) => {
      const ok = req.url === '/v1/balance' && req.headers.authorization === 'Bearer sk_test_good';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          ok ? { object: 'balance', available: [] } : { error: { type: 'invalid_request_error' } },
        ),
      );
    });
    await new Promise<void>((resolve) => stripe.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => stripe.close(() => resolve())));
    const withStripe = config({
      stripe: { apiUrl: `http://127.0.0.1:${(stripe.address() as AddressInfo).port}` },
    });
    const good = await checkProviders(withStripe, {
      stripe: { secretKey: 'sk_test_good', webhookSecret: 'whsec_x' },
    });
    expect(good[1]).toMatchObject({ provider: 'Stripe', ok: true });
    const bad = await checkProviders(withStripe, {
      stripe: { secretKey: 'sk_test_bad', webhookSecret: 'whsec_x' },
    });
    expect(bad[1]).toMatchObject({ provider: 'Stripe', ok: false, detail: 'clé secrète refusée par Stripe' });
  });
});
