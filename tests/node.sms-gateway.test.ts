import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../node/db/store.js';
import { dispatchDueSms, SMS_DISPATCH_BATCH, startSmsDispatcher } from '../node/notify/sms-dispatcher.js';
import { httpSmsGateway, type SmsGateway } from '../node/notify/sms-gateways.js';
import { enqueueSms, smsStatuses } from '../node/services/outbox/sms-outbox.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

/** How the operator's gateway behaves for the next requests. */
type Mode = 'ok' | 'unavailable' | 'reset' | 'hang' | 'late-ok';

interface Received {
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly key: string | undefined;
  readonly body: { to: string; text: string };
}

/**
 * A real HTTP gateway on 127.0.0.1 that deduplicates on Idempotency-Key, as a careful operator
 * does: `sent` holds what it would have sent to handsets, once per key.
 */
class GatewayServer {
  mode: Mode = 'ok';
  refuseText: string | undefined;
  readonly received: Received[] = [];
  readonly sent = new Map<string, string>();
  private readonly server: Server = createServer((req, res) => void this.answer(req, res));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as Received['body'];
    const key = req.headers['idempotency-key'] as string | undefined;
    const headers = req.headers;
    this.received.push({
      authorization: headers.authorization,
      contentType: headers['content-type'],
      key,
      body,
    });
    if (this.mode === 'reset') return void req.socket.destroy();
    if (this.mode === 'hang') return;
    if (this.mode === 'unavailable') return void res.writeHead(503).end();
    if (this.refuseText !== undefined && body.text.includes(this.refuseText))
      return void res.writeHead(400).end();
    if (!this.sent.has(key ?? raw)) this.sent.set(key ?? raw, body.text);
    // The SMS went out, but the answer comes after the node stopped waiting.
    if (this.mode === 'late-ok') return void setTimeout(() => res.writeHead(202).end(), 2000);
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
  }
}

// Only for a gateway that never answers, or answers late: elsewhere the node waits long enough for
// a loaded machine.
const SHORT_TIMEOUT_MS = 300;
let temp: TempStore | undefined;
let gateway: GatewayServer | undefined;
const extraStores: Store[] = [];
afterEach(async () => {
  for (const store of extraStores.splice(0)) if (store.db.open) store.close();
  await gateway?.stop();
  await temp?.cleanup();
  temp = undefined;
  gateway = undefined;
});

async function setUp() {
  temp = await openTempStore();
  gateway = new GatewayServer();
  const url = await gateway.start();
  let at = Date.parse('2026-11-26T10:00:00.000Z');
  const clock = {
    now: () => new Date(at),
    advance: (ms: number) => {
      at += ms;
    },
  };
  const http = httpSmsGateway({ url, token: 'op-token-5f2c', timeoutMs: 15_000 });
  const impatient = httpSmsGateway({ url, token: 'op-token-5f2c', timeoutMs: SHORT_TIMEOUT_MS });
  return { store: temp.store, server: gateway, http, impatient, clock };
}

function queue(store: Store, count: number, now: Date, prefix = 'Code'): void {
  for (let n = 0; n < count; n++) {
    const to = `+3361234${String(5000 + n)}`;
    enqueueSms(store, { to, text: `${prefix} ${n}`, purpose: 'booking_code', ref: `RDV-${n}` }, now);
  }
}

function nextAttemptDelay(store: Store, now: Date): number {
  const [status] = smsStatuses(store);
  return Date.parse(status?.nextAttemptAt ?? '') - now.getTime();
}

describe('HTTP SMS gateway', () => {
  it('posts the number and text as JSON with the bearer token and an idempotency key', async () => {
    const { store, server, http, clock } = await setUp();
    queue(store, 1, clock.now());
    expect(await dispatchDueSms(store, http, clock.now)).toBe(1);
    expect(server.received).toEqual([
      {
        authorization: 'Bearer op-token-5f2c',
        contentType: 'application/json',
        key: expect.stringMatching(/^[0-9a-f]{32}$/),
        body: { to: '+33612345000', text: 'Code 0' },
      },
    ]);
    expect(smsStatuses(store)[0]).toMatchObject({ state: 'sent', attempts: 1, nextAttemptAt: null });
  });

  it('retries a 503 with growing backoff and the same key, then records the delivery', async () => {
    const { store, server, http, clock } = await setUp();
    queue(store, 1, clock.now());
    server.mode = 'unavailable';
    const delays: number[] = [];
    for (let pass = 0; pass < 4; pass++) {
      expect(await dispatchDueSms(store, http, clock.now)).toBe(0);
      const delay = nextAttemptDelay(store, clock.now());
      delays.push(delay);
      clock.advance(delay - 1);
      expect(await dispatchDueSms(store, http, clock.now)).toBe(0);
      clock.advance(1);
    }
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(smsStatuses(store)[0]).toMatchObject({
      state: 'pending',
      attempts: 4,
      lastError: 'gateway answered 503',
    });
    server.mode = 'ok';
    expect(await dispatchDueSms(store, http, clock.now)).toBe(1);
    expect(server.received).toHaveLength(5);
    expect(new Set(server.received.map((r) => r.key)).size).toBe(1);
    expect(smsStatuses(store)[0]).toMatchObject({ state: 'sent', attempts: 5, lastError: null });
  });

  it('takes no answer within the timeout, or a reset connection, as a failure to retry', async () => {
    const { store, server, http, impatient, clock } = await setUp();
    queue(store, 1, clock.now());
    server.mode = 'hang';
    await dispatchDueSms(store, impatient, clock.now);
    expect(smsStatuses(store)[0]?.lastError).toBe(`gateway did not answer within ${SHORT_TIMEOUT_MS} ms`);
    clock.advance(30_000);
    server.mode = 'reset';
    await dispatchDueSms(store, http, clock.now);
    expect(smsStatuses(store)[0]).toMatchObject({ state: 'pending', attempts: 2 });
    expect(smsStatuses(store)[0]?.lastError).toMatch(/^gateway unreachable \(/);
    expect(nextAttemptDelay(store, clock.now())).toBe(60_000);
  });

  it('lets a message the gateway refuses wait without holding back the others', async () => {
    const { store, server, http, clock } = await setUp();
    queue(store, 3, clock.now());
    server.refuseText = 'Code 1';
    expect(await dispatchDueSms(store, http, clock.now)).toBe(2);
    expect(smsStatuses(store, { ref: 'RDV-1' })[0]).toMatchObject({
      state: 'pending',
      lastError: 'gateway answered 400',
    });
  });

  it('ends a pass at the first failure of the gateway itself: a down gateway is not hit once per SMS', async () => {
    const { store, server, http, clock } = await setUp();
    queue(store, 5, clock.now());
    server.mode = 'unavailable';
    expect(await dispatchDueSms(store, http, clock.now)).toBe(0);
    expect(server.received).toHaveLength(1);
    expect(smsStatuses(store).filter((sms) => sms.attempts === 0)).toHaveLength(4);
  });

  it('delivers every SMS exactly once after the gateway was down for a while, losing none', async () => {
    const { store, server, http, impatient, clock } = await setUp();
    queue(store, 30, clock.now());
    const outage: Mode[] = ['reset', 'unavailable', 'hang', 'unavailable', 'reset'];
    for (const mode of outage) {
      server.mode = mode;
      expect(await dispatchDueSms(store, mode === 'hang' ? impatient : http, clock.now)).toBe(0);
      clock.advance(61 * 60_000);
    }
    server.mode = 'ok';
    let sent = 0;
    for (let pass = 0; pass < 5 && sent < 30; pass++) sent += await dispatchDueSms(store, http, clock.now);
    expect(sent).toBe(30);
    const texts = [...server.sent.values()].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    expect(texts).toEqual(Array.from({ length: 30 }, (_, n) => `Code ${n}`));
    // One request per pass while down, then one per SMS: no SMS was handed over twice.
    expect(server.received).toHaveLength(outage.length + 30);
    expect(smsStatuses(store).every((sms) => sms.state === 'sent')).toBe(true);
  });

  it('hands an SMS over again with the same key when the answer was lost: sent once in effect', async () => {
    const { store, server, http, impatient, clock } = await setUp();
    queue(store, 1, clock.now());
    server.mode = 'late-ok';
    await dispatchDueSms(store, impatient, clock.now);
    expect(smsStatuses(store)[0]).toMatchObject({ state: 'pending', attempts: 1 });
    server.mode = 'ok';
    clock.advance(30_000);
    expect(await dispatchDueSms(store, http, clock.now)).toBe(1);
    expect(server.received).toHaveLength(2);
    expect(server.received[0]?.key).toBe(server.received[1]?.key);
    expect([...server.sent.values()]).toEqual(['Code 0']);
  });

  it('after a crash between the gateway answer and the outbox record, resends with the same key', async () => {
    const { store, server, http, clock } = await setUp();
    queue(store, 1, clock.now());
    // The process dies right after the gateway took the SMS: nothing after that reaches the disk.
    const crashing: SmsGateway = {
      async send(sms) {
        await http.send(sms);
        store.close();
      },
    };
    await expect(dispatchDueSms(store, crashing, clock.now)).rejects.toThrow(/not open/);
    const restarted = await openStore({ path: temp?.path ?? '', dataKey: temp?.dataKey ?? new Uint8Array() });
    extraStores.push(restarted);
    expect(smsStatuses(restarted)[0]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await dispatchDueSms(restarted, http, clock.now)).toBe(1);
    expect(server.received.map((r) => r.key)).toEqual([server.received[0]?.key, server.received[0]?.key]);
    expect([...server.sent.values()]).toEqual(['Code 0']);
    expect(smsStatuses(restarted)[0]).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('follows a full pass with the next at once, so that thousands queued do not wait a tick per 50', async () => {
    const { store, server, http } = await setUp();
    const count = 3 * SMS_DISPATCH_BATCH + 20;
    // A roll-call's SMS, as many as it queues at once (no cap counts them).
    for (let n = 0; n < count; n++) {
      const to = `+336${String(10_000_000 + n * 7919)}`;
      enqueueSms(
        store,
        { to, text: `Appel ${n}`, purpose: 'roll_call', ref: `RC-${n}` },
        new Date('2020-01-01T00:00:00.000Z'),
      );
    }
    // An interval no test waits for: only the passes that follow full ones can send them all.
    const dispatcher = startSmsDispatcher(store, http, { intervalMs: 600_000 });
    dispatcher.kick();
    const deadline = Date.now() + 30_000;
    while (server.sent.size < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await dispatcher.stop();
    expect(server.sent.size).toBe(count);
    expect(server.received).toHaveLength(count);
    expect(smsStatuses(store).every((sms) => sms.state === 'sent')).toBe(true);
  });

  it('stops the dispatcher only once the pass in progress has recorded its outcome', async () => {
    const { store, server, impatient } = await setUp();
    queue(store, 1, new Date('2020-01-01T00:00:00.000Z'));
    server.mode = 'hang';
    const dispatcher = startSmsDispatcher(store, impatient, { intervalMs: 60_000 });
    dispatcher.kick();
    await dispatcher.stop();
    expect(smsStatuses(store)[0]).toMatchObject({ state: 'pending', attempts: 1 });
  });
});
