import { afterEach, describe, expect, it } from 'vitest';
import type { SmppInboundSms } from '../node/notify/smpp-deliver.js';
import { type SmppGateway, type SmppGatewayOptions, smppGateway } from '../node/notify/smpp-gateway.js';
import { dispatchDueSms } from '../node/notify/sms-dispatcher.js';
import { SmsGatewayError } from '../node/notify/sms-gateways.js';
import { enqueueSms, smsStatuses } from '../node/services/outbox/sms-outbox.js';
import { applySmsReceipt, type SmsReceipt } from '../node/services/outbox/sms-receipts.js';
import { openTempStore, type TempStore } from './_util/node-store.js';
import { type SmppTestServer, startSmppTestServer } from './_util/smpp-test-server.js';

const account = { systemId: 'consulat', password: 'sesame-42' };
let server: SmppTestServer | undefined;
let gateway: SmppGateway | undefined;
let temp: TempStore | undefined;

afterEach(async () => {
  await gateway?.close();
  await server?.close();
  await temp?.cleanup();
  gateway = undefined;
  server = undefined;
  temp = undefined;
});

async function setUp(overrides: Partial<SmppGatewayOptions> = {}) {
  server = await startSmppTestServer(account);
  const receipts: SmsReceipt[] = [];
  const inbound: SmppInboundSms[] = [];
  gateway = smppGateway({
    host: '127.0.0.1',
    port: server.port,
    ...account,
    sourceAddr: 'CONSULAT',
    messagesPerSecond: 100,
    minReconnectMs: 20,
    maxReconnectMs: 200,
    submitTimeoutMs: 3000,
    onReceipt: (receipt) => receipts.push(receipt),
    onInbound: async (sms) => {
      inbound.push(sms);
    },
    ...overrides,
  });
  return { server, gateway, receipts, inbound };
}

async function scopeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof SmsGatewayError ? error.scope : 'not a gateway error';
}

describe('SMPP gateway', () => {
  it('binds as a transceiver and submits an SMS asking for its final receipt', async () => {
    const { server, gateway } = await setUp();
    const accepted = await gateway.send({ to: '+23672123456', text: 'Votre passeport est prêt.' });
    expect(accepted).toEqual({ providerId: 'smsc-1' });
    expect(server.binds).toBe(1);
    expect(server.submits[0]).toMatchObject({
      to: '23672123456',
      from: 'CONSULAT',
      text: 'Votre passeport est prêt.',
      payload: false,
      registeredDelivery: 1,
    });
  });

  it('sends a text longer than one SMS whole in message_payload, under one message id', async () => {
    const { server, gateway } = await setUp();
    const text = `Rendez-vous confirmé. ${'Apportez votre ancien passeport et deux photos. '.repeat(6)}`;
    expect(await gateway.send({ to: '+23672123456', text })).toEqual({ providerId: 'smsc-1' });
    expect(server.submits).toHaveLength(1);
    expect(server.submits[0]).toMatchObject({ payload: true, text });
  });

  it('refuses with the gateway scope when the account is throttled, the message scope for a bad number', async () => {
    const { server, gateway } = await setUp();
    await gateway.whenBound();
    server.throttleNext(1);
    expect(await scopeOf(gateway.send({ to: '+23672123456', text: 'a' }))).toBe('gateway');
    expect(await scopeOf(gateway.send({ to: '000123', text: 'b' }))).toBe('message');
    expect(await gateway.send({ to: '+23672123456', text: 'c' })).toEqual({ providerId: 'smsc-1' });
  });

  it('fails with the gateway scope when the bind is refused', async () => {
    server = await startSmppTestServer(account);
    gateway = smppGateway({
      host: '127.0.0.1',
      port: server.port,
      systemId: account.systemId,
      password: 'wrong',
      sourceAddr: 'CONSULAT',
      messagesPerSecond: 10,
      submitTimeoutMs: 300,
      minReconnectMs: 1000,
      onReceipt: () => undefined,
      onInbound: async () => undefined,
    });
    const error = await gateway.send({ to: '+23672123456', text: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsGatewayError);
    expect((error as SmsGatewayError).scope).toBe('gateway');
    expect((error as Error).message).toMatch(/bind refused/);
    expect(server.submits).toEqual([]);
  });

  it('applies delivery receipts by message id: delivered, undelivered, intermediate states ignored', async () => {
    const { server, gateway, receipts } = await setUp();
    await gateway.send({ to: '+23672123456', text: 'a' });
    expect(await server.sendReceipt('smsc-1', 'ENROUTE')).toBe(0);
    expect(await server.sendReceipt('smsc-1', 'DELIVRD')).toBe(0);
    expect(await server.sendReceipt('smsc-9', 'UNDELIV')).toBe(0);
    expect(receipts).toEqual([
      { providerId: 'smsc-1', delivery: 'delivered', status: 'DELIVRD' },
      { providerId: 'smsc-9', delivery: 'undelivered', status: 'UNDELIV' },
    ]);
  });

  it('hands a mobile-originated SMS to the inbound path, the same id for a redelivery', async () => {
    const { server, gateway, inbound } = await setUp();
    await gateway.whenBound();
    await server.whenBound();
    expect(await server.sendMo('23672123456', '1400', '1')).toBe(0);
    expect(await server.sendMo('23672123456', '1400', '1')).toBe(0);
    expect(inbound).toHaveLength(2);
    expect(inbound[0]).toMatchObject({ from: '23672123456', to: '1400', text: '1' });
    expect(inbound[1]?.id).toBe(inbound[0]?.id);
  });

  it('answers a temporary error when the inbound path fails, so the SMSC delivers again', async () => {
    const { server, gateway } = await setUp({
      onInbound: () => Promise.reject(new Error('disk full')),
    });
    await gateway.whenBound();
    await server.whenBound();
    expect(await server.sendMo('23672123456', '1400', '1')).toBe(0x64);
  });

  it('binds again after a drop mid-batch: every SMS sent once, receipts applied to the outbox', async () => {
    temp = await openTempStore();
    const { store } = temp;
    const { server, gateway } = await setUp({
      onReceipt: (receipt) => applySmsReceipt(store, receipt, new Date()),
    });
    let clock = new Date('2026-12-06T10:00:00.000Z');
    for (let i = 0; i < 10; i++) {
      enqueueSms(
        store,
        { to: `+2367212345${i}`, text: `Message ${i}`, purpose: 'file_status', ref: `F-${i}` },
        clock,
      );
    }
    server.dropAfter(4);
    for (let pass = 0; pass < 20 && smsStatuses(store).some((s) => s.state === 'pending'); pass++) {
      await dispatchDueSms(store, gateway, () => clock);
      clock = new Date(clock.getTime() + 2 * 60 * 60_000);
    }
    expect(server.submits.map((s) => s.text).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `Message ${i}`),
    );
    expect(server.binds).toBe(2);
    await server.whenBound();
    for (const submit of server.submits)
      expect(await server.sendReceipt(submit.messageId, 'DELIVRD')).toBe(0);
    expect(smsStatuses(store).every((s) => s.state === 'sent' && s.delivery === 'delivered')).toBe(true);
  });

  it('keeps to the account rate, as the server sees the submits', async () => {
    const { server, gateway } = await setUp({ messagesPerSecond: 5 });
    await gateway.whenBound();
    for (let i = 0; i < 11; i++) await gateway.send({ to: '+23672123456', text: `m${i}` });
    const at = server.submits.map((s) => s.at);
    // 10 intervals at 5 a second: 2 s, less a generous allowance for timer jitter.
    expect((at[10] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(1800);
    // Never more than the rate plus the one second's burst the bucket holds, in any second.
    for (const t of at) expect(at.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(10);
  });

  it('keeps the bind alive with enquire_link', async () => {
    const { server, gateway } = await setUp({ enquireLinkMs: 50 });
    await gateway.whenBound();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.enquireLinks).toBeGreaterThanOrEqual(2);
    expect(await gateway.send({ to: '+23672123456', text: 'a' })).toEqual({ providerId: 'smsc-1' });
    expect(server.binds).toBe(1);
  });
});
