import { afterEach, describe, expect, it } from 'vitest';
import { smsInboundRoutes } from '../node/http/sms/sms-inbound-routes.js';
import { AT_REPORTS_PATH, smsReceiptRoutes } from '../node/http/sms/sms-receipt-routes.js';
import { africasTalkingGateway } from '../node/notify/africastalking-gateway.js';
import { dispatchDueSms } from '../node/notify/sms-dispatcher.js';
import { SmsGatewayError } from '../node/notify/sms-gateways.js';
import { enqueueSms, smsStatuses } from '../node/services/outbox/sms-outbox.js';
import { unmatchedSmsReceipts } from '../node/services/outbox/sms-receipts.js';
import { type AtTestServer, startAtTestServer } from './_util/africastalking-test-server.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';

const account = { username: 'consulat-yaounde', apiKey: 'atsk_test_0123456789' };
const TOKEN = 'gateway-token-0123456789abcdef';
let server: AtTestServer | undefined;
let node: TestNode | undefined;

afterEach(async () => {
  await server?.close();
  await node?.cleanup();
  server = undefined;
  node = undefined;
});

async function failureOf(promise: Promise<unknown>): Promise<SmsGatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SmsGatewayError)) throw new Error('expected an SmsGatewayError');
  return error;
}

describe('Africa’s Talking gateway', () => {
  it('posts the SMS form-encoded with the apiKey header and keeps the messageId', async () => {
    server = await startAtTestServer(account);
    const gateway = africasTalkingGateway({ apiUrl: server.url, ...account, from: 'CONSULATRCA' });
    expect(await gateway.send({ to: '+237650000001', text: 'Votre visa est prêt' })).toEqual({
      providerId: 'ATXid_00000001',
    });
    expect(server.sends).toEqual([
      {
        username: account.username,
        to: '+237650000001',
        message: 'Votre visa est prêt',
        from: 'CONSULATRCA',
        apiKey: account.apiKey,
        contentType: 'application/x-www-form-urlencoded',
      },
    ]);
  });

  it('maps the documented refusals: the number’s to the message, the account’s to the gateway', async () => {
    server = await startAtTestServer(account);
    const gateway = africasTalkingGateway({ apiUrl: server.url, ...account });
    const sms = { to: '+237650000001', text: 'x' };
    for (const code of [403, 404, 406, 407, 409, 502]) {
      server.nextStatusCode = code;
      expect((await failureOf(gateway.send(sms))).scope).toBe('message');
    }
    for (const code of [401, 402, 405, 500, 501]) {
      server.nextStatusCode = code;
      expect((await failureOf(gateway.send(sms))).scope).toBe('gateway');
    }
    server.nextStatusCode = 102;
    expect(await gateway.send(sms)).toEqual({ providerId: expect.stringMatching(/^ATXid_/) });
  });

  it('fails with the gateway scope on a wrong key and on a timeout', async () => {
    server = await startAtTestServer(account);
    const wrongKey = africasTalkingGateway({
      apiUrl: server.url,
      username: account.username,
      apiKey: 'nope',
    });
    const failure = await failureOf(wrongKey.send({ to: '+237650000001', text: 'x' }));
    expect(failure.scope).toBe('gateway');
    expect(failure.message).toMatch(/401/);
    server.delayMs = 500;
    const slow = africasTalkingGateway({ apiUrl: server.url, ...account, timeoutMs: 100 });
    expect((await failureOf(slow.send({ to: '+237650000001', text: 'x' }))).scope).toBe('gateway');
  });
});

describe('Africa’s Talking callbacks', () => {
  async function nodeWithSentSms(): Promise<{ node: TestNode; providerId: string }> {
    server = await startAtTestServer(account);
    node = await buildTestNode({
      plugins: [smsReceiptRoutes, smsInboundRoutes],
      config: { ussd: { token: TOKEN } },
    });
    enqueueSms(node.store, { to: '+237650000001', text: 'Votre visa est prêt', purpose: 'file_status' });
    await dispatchDueSms(node.store, africasTalkingGateway({ apiUrl: server.url, ...account }));
    return { node, providerId: 'ATXid_00000001' };
  }

  const report = (n: TestNode, fields: Record<string, string>, token = TOKEN) =>
    n.app.inject({
      method: 'POST',
      url: `${AT_REPORTS_PATH}?token=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  it('marks the SMS delivered from a Success report, once however often it comes', async () => {
    const { node, providerId } = await nodeWithSentSms();
    const sent = { id: providerId, status: 'Sent', phoneNumber: '+237650000001', networkCode: '62401' };
    expect((await report(node, sent)).json()).toEqual({ received: true, outcome: 'pending' });
    expect((await report(node, { ...sent, status: 'Success' })).json()).toEqual({
      received: true,
      outcome: 'applied',
    });
    expect((await report(node, { ...sent, status: 'Success' })).json()).toEqual({
      received: true,
      outcome: 'unchanged',
    });
    expect(smsStatuses(node.store)[0]).toMatchObject({ state: 'sent', delivery: 'delivered' });
  });

  it('marks the SMS undelivered from a Failed report', async () => {
    const { node, providerId } = await nodeWithSentSms();
    expect(
      (await report(node, { id: providerId, status: 'Failed', failureReason: 'UserDoesNotExist' })).json(),
    ).toMatchObject({
      outcome: 'applied',
    });
    expect(smsStatuses(node.store)[0]?.delivery).toBe('undelivered');
  });

  it('answers 200 for a report on an unknown message and keeps it aside', async () => {
    const { node } = await nodeWithSentSms();
    const response = await report(node, { id: 'ATXid_unknown', status: 'Success' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, outcome: 'unmatched' });
    expect(unmatchedSmsReceipts(node.store)).toMatchObject([
      { providerId: 'ATXid_unknown', status: 'Success' },
    ]);
  });

  it('refuses a report without the gateway token', async () => {
    const { node, providerId } = await nodeWithSentSms();
    expect((await report(node, { id: providerId, status: 'Success' }, 'wrong')).statusCode).toBe(403);
    expect(smsStatuses(node.store)[0]?.delivery).toBeUndefined();
  });

  it('takes an incoming message on the inbound SMS callback, as Africa’s Talking posts it', async () => {
    const { node } = await nodeWithSentSms();
    const response = await node.app.inject({
      method: 'POST',
      url: `/api/v1/sms/inbound?token=${TOKEN}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        date: '2026-12-06 09:00:00',
        from: '+237650000001',
        id: 'ATXid_in_1',
        linkId: 'SampleLinkId123',
        text: '1',
        to: '21525',
        networkCode: '62401',
      }).toString(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, duplicate: false });
  });
});
