import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ANDROID_WEBHOOK_PATH, androidWebhookRoutes } from '../node/http/sms/android-webhook-routes.js';
import { androidGateway } from '../node/notify/android-gateway.js';
import { dispatchDueSms } from '../node/notify/sms-dispatcher.js';
import { SmsGatewayError } from '../node/notify/sms-gateways.js';
import { enqueueSms, smsStatuses } from '../node/services/outbox/sms-outbox.js';
import {
  type AndroidTestServer,
  signedAndroidWebhook,
  startAndroidTestServer,
} from './_util/android-gateway-test-server.js';
import { buildTestNode, type TestNode, type TestNodeDeps } from './_util/node-app.js';

const account = { username: 'sms', password: 'phone-password-42' };
const SIGNING_KEY = 'webhook-signing-key-0123456789';
let server: AndroidTestServer | undefined;
let node: TestNode | undefined;

afterEach(async () => {
  await server?.close();
  await node?.cleanup();
  server = undefined;
  node = undefined;
});

const webhooks = (app: FastifyInstance, deps: TestNodeDeps) =>
  androidWebhookRoutes(app, { domain: deps.domain, config: deps.config, signingKey: SIGNING_KEY });

async function scopeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof SmsGatewayError ? error.scope : 'no gateway error';
}

describe('Android phone gateway', () => {
  it('posts the SMS with Basic auth under its key as id, once however often it is handed over', async () => {
    server = await startAndroidTestServer(account);
    const gateway = androidGateway({ url: server.url, ...account });
    const sms = { to: '+23672123456', text: 'Votre passeport est prêt', key: 'k-0123456789abcdef' };
    expect(await gateway.send(sms)).toEqual({ providerId: 'k-0123456789abcdef' });
    expect(await gateway.send(sms)).toEqual({ providerId: 'k-0123456789abcdef' });
    expect(server.posts).toBe(2);
    expect(server.messages).toEqual([
      { id: sms.key, message: sms.text, phoneNumbers: ['+23672123456'], withDeliveryReport: true },
    ]);
  });

  it('fails with the gateway scope on wrong credentials, a 5xx or an unreachable phone, the message scope on a 400', async () => {
    server = await startAndroidTestServer(account);
    const sms = { to: '+23672123456', text: 'x', key: 'k1' };
    expect(
      await scopeOf(androidGateway({ url: server.url, username: 'sms', password: 'wrong' }).send(sms)),
    ).toBe('gateway');
    const gateway = androidGateway({ url: server.url, ...account });
    server.failNextWith = 500;
    expect(await scopeOf(gateway.send(sms))).toBe('gateway');
    server.failNextWith = 400;
    expect(await scopeOf(gateway.send(sms))).toBe('message');
    const gone = androidGateway({ url: 'http://127.0.0.1:9', ...account, timeoutMs: 500 });
    expect(await scopeOf(gone.send(sms))).toBe('gateway');
  });
});

describe('Android gateway webhooks', () => {
  async function nodeWithSentSms(): Promise<string> {
    server = await startAndroidTestServer(account);
    node = await buildTestNode({ plugins: [webhooks] });
    enqueueSms(node.store, { to: '+23672123456', text: 'Votre visa est prêt', purpose: 'file_status' });
    await dispatchDueSms(node.store, androidGateway({ url: server.url, ...account }));
    const id = server.messages[0]?.id;
    if (id === undefined) throw new Error('nothing sent');
    return id;
  }

  const post = (n: TestNode, signed: { body: string; headers: Record<string, string> }) =>
    n.app.inject({
      method: 'POST',
      url: ANDROID_WEBHOOK_PATH,
      headers: signed.headers,
      payload: signed.body,
    });

  it('marks the SMS delivered from a signed sms:delivered, once', async () => {
    const id = await nodeWithSentSms();
    const n = node as TestNode;
    const delivered = signedAndroidWebhook(SIGNING_KEY, 'sms:delivered', {
      messageId: id,
      phoneNumber: '+23672123456',
      deliveredAt: '2026-12-06T10:00:00.000+01:00',
    });
    expect((await post(n, delivered)).json()).toEqual({ received: true, outcome: 'applied' });
    expect((await post(n, delivered)).json()).toEqual({ received: true, outcome: 'unchanged' });
    expect(smsStatuses(n.store)[0]).toMatchObject({ state: 'sent', delivery: 'delivered' });
  });

  it('marks the SMS undelivered from sms:failed', async () => {
    const id = await nodeWithSentSms();
    const n = node as TestNode;
    const failed = signedAndroidWebhook(SIGNING_KEY, 'sms:failed', {
      messageId: id,
      reason: 'RESULT_ERROR_NO_SERVICE',
    });
    expect((await post(n, failed)).json()).toEqual({ received: true, outcome: 'applied' });
    expect(smsStatuses(n.store)[0]?.delivery).toBe('undelivered');
  });

  it('refuses a forged signature and a replayed old webhook', async () => {
    const id = await nodeWithSentSms();
    const n = node as TestNode;
    const forged = signedAndroidWebhook('not-the-key', 'sms:delivered', { messageId: id });
    expect((await post(n, forged)).statusCode).toBe(403);
    const old = signedAndroidWebhook(
      SIGNING_KEY,
      'sms:delivered',
      { messageId: id },
      Math.floor(Date.now() / 1000) - 3600,
    );
    expect((await post(n, old)).statusCode).toBe(403);
    expect(smsStatuses(n.store)[0]?.delivery).toBeUndefined();
  });

  it('hands sms:received to the inbound path, a retried webhook counting once', async () => {
    await nodeWithSentSms();
    const n = node as TestNode;
    const received = signedAndroidWebhook(SIGNING_KEY, 'sms:received', {
      messageId: 'abc123',
      message: '1',
      phoneNumber: '+23672123456',
      simNumber: 1,
      receivedAt: '2026-12-06T10:00:00.000+01:00',
    });
    expect((await post(n, received)).json()).toEqual({ received: true, duplicate: false });
    expect((await post(n, received)).json()).toEqual({ received: true, duplicate: true });
  });
});
