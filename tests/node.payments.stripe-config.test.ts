import fs from 'node:fs';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeConfig, nodeConfigSchema } from '../node/config/config.js';
import { nodeConfigFromEnv, stripeSecretSourcesFromEnv } from '../node/config/env.js';
import { loadStripeSecrets } from '../node/config/stripe-secrets.js';
import { createNode } from '../node/index.js';
import { createDomain } from '../node/services/domain.js';
import {
  fromStripeAmount,
  stripeDecimals,
  toStripeAmount,
} from '../node/services/payments/providers/stripe-amounts.js';
import { StripeProvider } from '../node/services/payments/providers/stripe-provider.js';
import { Identity, ready, sodium } from '../protocol/index.js';
import { makeTempDir, openTempStore } from './_util/node-store.js';
import { sendStripeWebhook, startStripeTestServer } from './_util/stripe-test-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function parisConfig(dataDir: string, extra: Record<string, unknown> = {}): NodeConfig {
  return nodeConfigSchema.parse({
    missionId: 'fr-paris',
    missionName: 'Ambassade de Centrafrique à Paris',
    dataDir,
    http: { host: '127.0.0.1', port: 0 },
    region: 'FR',
    hostCurrency: 'EUR',
    logLevel: 'silent',
    ...extra,
  });
}

describe('Stripe amounts', () => {
  it.each([
    ['XAF', 25_000, 25_000, 0],
    ['XOF', 5_000, 5_000, 0],
    ['EUR', 12_050, 12_050, 2],
    ['JPY', 500, 500, 0],
    ['MGA', 150_000, 1_500, 0],
    ['ISK', 5, 500, 2],
    ['KWD', 1_250, 1_250, 3],
  ])(
    'sends %s %i minor units as %i (%i decimals at Stripe) and reads them back',
    (currency, minor, stripe, decimals) => {
      expect(stripeDecimals(currency)).toBe(decimals);
      expect(toStripeAmount(minor, currency)).toBe(stripe);
      expect(fromStripeAmount(stripe, currency)).toBe(minor);
    },
  );

  it('refuses an amount Stripe cannot charge rather than round it', () => {
    expect(() => toStripeAmount(150_050, 'MGA')).toThrow(RangeError);
    expect(() => toStripeAmount(1_255, 'KWD')).toThrow(RangeError);
    expect(() => toStripeAmount(12.5, 'EUR')).toThrow(TypeError);
    expect(fromStripeAmount(550, 'ISK')).toBeUndefined();
  });
});

describe('Stripe configuration and secrets', () => {
  it('enables Stripe in node.json with no place for its keys', () => {
    expect(parisConfig('/tmp/x', { stripe: {} }).stripe).toEqual({ toleranceSeconds: 300 });
    for (const field of ['secretKey', 'webhookSecret'])
      expect(() => parisConfig('/tmp/x', { stripe: { [field]: 'sk_test_123' } })).toThrow(/Unrecognized key/);
    expect(() => parisConfig('/tmp/x', { stripe: { apiUrl: 'http://proxy.example.org:8080' } })).toThrow(
      /plain http only/,
    );
    expect(parisConfig('/tmp/x', { stripe: { apiUrl: 'http://127.0.0.1:4242' } }).stripe?.apiUrl).toBe(
      'http://127.0.0.1:4242',
    );
  });

  it('reads the switch from the environment, and the keys as values or files only others cannot read', async () => {
    const env = {
      MISSION_ID: 'fr-paris',
      MISSION_NAME: 'Paris',
      MISSION_DATA_DIR: '/tmp/x',
      MISSION_REGION: 'FR',
      MISSION_HOST_CURRENCY: 'EUR',
      MISSION_STRIPE_ENABLED: 'true',
      MISSION_STRIPE_RETURN_URL: 'https://paris.example.org/paiement',
      MISSION_STRIPE_SECRET_KEY: 'sk_test_abc',
      MISSION_STRIPE_WEBHOOK_SECRET: 'whsec_def',
    };
    expect(nodeConfigFromEnv(env).stripe).toEqual({
      returnUrl: 'https://paris.example.org/paiement',
      toleranceSeconds: 300,
    });
    expect(nodeConfigFromEnv({ ...env, MISSION_STRIPE_ENABLED: undefined }).stripe).toBeUndefined();
    expect(await loadStripeSecrets(stripeSecretSourcesFromEnv(env))).toEqual({
      secretKey: 'sk_test_abc',
      webhookSecret: 'whsec_def',
    });

    const temp = await makeTempDir();
    cleanups.push(temp.cleanup);
    const keyFile = join(temp.dir, 'stripe-secret-key');
    await writeFile(keyFile, 'sk_test_from_file\n', { mode: 0o600 });
    const fromFile = { secretKeyFile: keyFile, webhookSecret: 'whsec_def' };
    expect(await loadStripeSecrets(fromFile)).toEqual({
      secretKey: 'sk_test_from_file',
      webhookSecret: 'whsec_def',
    });
    await chmod(keyFile, 0o644);
    await expect(loadStripeSecrets(fromFile)).rejects.toThrow(/readable by others/);
    await expect(loadStripeSecrets({ ...fromFile, secretKey: 'sk_test_abc' })).rejects.toThrow(/not both/);
    await expect(loadStripeSecrets({ webhookSecret: 'whsec_def' })).rejects.toThrow(
      /MISSION_STRIPE_SECRET_KEY or MISSION_STRIPE_SECRET_KEY_FILE/,
    );
  });

  it('does not start a node with Stripe enabled and no keys', async () => {
    const temp = await openTempStore();
    cleanups.push(temp.cleanup);
    expect(() => createDomain(temp.store, parisConfig(temp.dir, { stripe: {} }))).toThrow(/without its keys/);
  });

  it('keeps the keys out of what the provider shows of itself', () => {
    const stripe = new StripeProvider({
      secretKey: 'sk_test_s3cr3tvalue',
      webhookSecret: 'whsec_s3cr3tvalue',
    });
    for (const shown of [
      JSON.stringify(stripe),
      inspect(stripe, { depth: 10, showHidden: true }),
      String(stripe),
    ])
      expect(shown).not.toMatch(/s3cr3tvalue/);
  });
});

describe('Stripe through a running node', () => {
  it('pays an invoice end to end, and never writes its keys in a log, node.json or the database', async () => {
    await ready();
    const server = await startStripeTestServer();
    cleanups.push(server.close);
    const temp = await makeTempDir();
    cleanups.push(temp.cleanup);
    const config = parisConfig(temp.dir, { logLevel: 'trace', stripe: { apiUrl: server.url } });
    const logged = captureLogs();
    cleanups.push(async () => logged.restore());
    const node = await createNode(config, {
      identity: Identity.generate(config.missionId),
      dataKey: sodium.randombytes_buf(32),
      stripe: { secretKey: server.secretKey, webhookSecret: server.webhookSecret },
    });
    cleanups.push(() => node.close());
    const url = await node.start();
    const { domain } = node.context;
    const invoice = domain.payments.createInvoice(
      {
        serviceCode: 'passport-renewal',
        lines: [{ label: 'Passeport', unitMinor: 12_000, currency: 'EUR' }],
      },
      'agent.koyassambia',
    );
    const started = await fetch(`${url}/api/v1/invoices/${invoice.id}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'stripe', returnUrl: 'https://paris.example.org/paiement/retour' }),
    });
    expect(started.status).toBe(201);
    const { redirectUrl } = (await started.json()) as { redirectUrl: string };
    const sessionId = redirectUrl.split('/').at(-1) ?? '';
    expect(redirectUrl).toBe(`${server.url}/c/pay/${sessionId}`);

    server.pay(sessionId);
    const body = server.eventBody('checkout.session.completed', sessionId);
    expect(await sendStripeWebhook(url, server.webhookSecret, body)).toEqual({
      status: 200,
      body: { status: 'applied', outcome: 'paid' },
    });
    expect(await sendStripeWebhook(url, server.webhookSecret, body)).toEqual({
      status: 200,
      body: { status: 'duplicate' },
    });
    const other = JSON.stringify({
      id: 'evt_x',
      object: 'event',
      type: 'charge.succeeded',
      created: 1,
      data: { object: {} },
    });
    expect(await sendStripeWebhook(url, server.webhookSecret, other)).toEqual({
      status: 200,
      body: { status: 'applied', outcome: 'ignored' },
    });
    const forged = await sendStripeWebhook(url, 'whsec_forged', body);
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(domain.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
    expect(domain.payments.getInvoice(invoice.id)?.state).toBe('paid');

    // A call Stripe refuses (the key was rolled in the dashboard) is logged as an error, without the key.
    server.revokeKey();
    const second = domain.payments.createInvoice(
      {
        serviceCode: 'passport-renewal',
        lines: [{ label: 'Passeport', unitMinor: 12_000, currency: 'EUR' }],
      },
      'agent.koyassambia',
    );
    const refused = await fetch(`${url}/api/v1/invoices/${second.id}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'stripe', returnUrl: 'https://paris.example.org/paiement/retour' }),
    });
    expect(refused.status).toBe(500);

    await node.close();
    logged.restore();
    expect(logged.text()).toContain('could not create a Checkout Session (401');
    const secrets = [server.secretKey, server.webhookSecret];
    const stored = await Promise.all(
      (await readdir(temp.dir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => readFile(join(entry.parentPath, entry.name), 'latin1')),
    );
    for (const secret of secrets) {
      expect(logged.text()).not.toContain(secret);
      expect(JSON.stringify(config)).not.toContain(secret);
      for (const content of stored) expect(content.includes(secret)).toBe(false);
    }
    expect(server.requests.every((request) => request.authorization === `Bearer ${server.secretKey}`)).toBe(
      true,
    );
  });
});

// pino writes through sonic-boom, which calls fs.write / fs.writeSync on stdout's descriptor.
function captureLogs() {
  const chunks: string[] = [];
  const { write, writeSync } = fs;
  const keep = (fd: unknown, data: unknown) => {
    if (fd === 1 || fd === 2) chunks.push(String(data));
  };
  fs.writeSync = ((fd: number, data: never, ...rest: never[]) => {
    keep(fd, data);
    return fd === 1 || fd === 2 ? Buffer.byteLength(String(data)) : writeSync(fd, data, ...rest);
  }) as typeof fs.writeSync;
  fs.write = ((fd: number, data: never, ...rest: unknown[]) => {
    keep(fd, data);
    if (fd !== 1 && fd !== 2) return (write as (...args: unknown[]) => void)(fd, data, ...rest);
    const callback = rest.find((arg) => typeof arg === 'function') as
      | ((error: null, written: number) => void)
      | undefined;
    callback?.(null, Buffer.byteLength(String(data)));
  }) as typeof fs.write;
  return {
    text: () => chunks.join(''),
    restore: () => {
      fs.write = write;
      fs.writeSync = writeSync;
    },
  };
}
