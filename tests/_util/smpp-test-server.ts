import type { AddressInfo } from 'node:net';
import smpp, { type Pdu, type Session } from 'smpp';

/** A submit_sm as the test SMSC received it. */
export interface ReceivedSubmit {
  readonly to: string;
  readonly from: string;
  readonly text: string;
  /** Whether the text came in message_payload rather than short_message. */
  readonly payload: boolean;
  readonly registeredDelivery: number;
  readonly messageId: string;
  /** When the server read it (ms since epoch, the server's clock). */
  readonly at: number;
}

/** A local SMSC for the SMPP adapter's tests (SMPP 3.4 over the `smpp` package's server). */
export interface SmppTestServer {
  readonly port: number;
  readonly submits: ReceivedSubmit[];
  /** Binds accepted so far. */
  readonly binds: number;
  /** enquire_link PDUs received so far. */
  readonly enquireLinks: number;
  /** Answer the next `count` submit_sm with ESME_RTHROTTLED. */
  throttleNext(count: number): void;
  /** Drop the connection right after answering the `nth` submit_sm from now (1 = the next). */
  dropAfter(nth: number): void;
  /** Drop every bound session now. */
  dropAll(): void;
  /** Sends a delivery receipt for `messageId` over the bound session; resolves with the ESME's status. */
  sendReceipt(messageId: string, stat: string): Promise<number>;
  /** Sends a mobile-originated SMS; resolves with the ESME's status. */
  sendMo(from: string, to: string, text: string): Promise<number>;
  /** Resolves once a session is bound. */
  whenBound(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the test SMSC on 127.0.0.1 (a free port) accepting `systemId`/`password` binds. */
export async function startSmppTestServer(account: {
  systemId: string;
  password: string;
}): Promise<SmppTestServer> {
  const submits: ReceivedSubmit[] = [];
  const bound = new Set<Session>();
  let throttle = 0;
  let dropAt: number | undefined;
  let bindWaiters: (() => void)[] = [];
  let nextId = 1;
  const state = { binds: 0, enquireLinks: 0 };

  const server = smpp.createServer({}, (session) => {
    session.on('error', () => undefined);
    session.on('close', () => bound.delete(session));
    session.on('bind_transceiver', (pdu: Pdu) => {
      const ok = pdu.system_id === account.systemId && pdu.password === account.password;
      session.send(pdu.response({ command_status: ok ? smpp.ESME_ROK : smpp.ESME_RINVPASWD }));
      if (!ok) return;
      state.binds++;
      bound.add(session);
      for (const resolve of bindWaiters) resolve();
      bindWaiters = [];
    });
    session.on('enquire_link', (pdu: Pdu) => {
      state.enquireLinks++;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: Pdu) => {
      const at = Date.now();
      if (throttle > 0) {
        throttle--;
        session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
        return;
      }
      const to = String(pdu.destination_addr);
      if (to.startsWith('000')) {
        session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
        return;
      }
      const messageId = `smsc-${nextId++}`;
      const payload = pdu.message_payload !== undefined;
      submits.push({
        to,
        from: String(pdu.source_addr),
        text: textOf(payload ? pdu.message_payload : pdu.short_message),
        payload,
        registeredDelivery: Number(pdu.registered_delivery),
        messageId,
        at,
      });
      session.send(pdu.response({ message_id: messageId }));
      if (dropAt !== undefined && --dropAt === 0) {
        dropAt = undefined;
        // Let the answer leave first, as an SMSC restarting after an accepted SMS would.
        setImmediate(() => session.destroy());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const deliver = (fields: Record<string, unknown>) =>
    new Promise<number>((resolve, reject) => {
      const session = [...bound][0];
      if (session === undefined) {
        reject(new Error('no bound session'));
        return;
      }
      const deliverSm = session.deliver_sm as (o: Record<string, unknown>, cb: (pdu: Pdu) => void) => void;
      deliverSm.call(session, fields, (pdu: Pdu) => resolve(pdu.command_status));
    });

  return {
    port,
    submits,
    get binds() {
      return state.binds;
    },
    get enquireLinks() {
      return state.enquireLinks;
    },
    throttleNext: (count) => {
      throttle = count;
    },
    dropAfter: (nth) => {
      dropAt = nth;
    },
    dropAll: () => {
      for (const session of bound) session.destroy();
    },
    sendReceipt: (messageId, stat) =>
      deliver({
        source_addr: '23672000000',
        destination_addr: 'CONSULAT',
        esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
        // SMPP 3.4 Appendix B.
        short_message: `id:${messageId} sub:001 dlvrd:001 submit date:2612061000 done date:2612061001 stat:${stat} err:000 text:`,
      }),
    sendMo: (from, to, text) =>
      deliver({ source_addr: from, destination_addr: to, esm_class: 0, short_message: text }),
    whenBound: () =>
      bound.size > 0 ? Promise.resolve() : new Promise<void>((resolve) => bindWaiters.push(resolve)),
    close: async () => {
      for (const session of bound) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } as SmppTestServer;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'message' in value)
    return String((value as { message: unknown }).message);
  return Buffer.isBuffer(value) ? value.toString('latin1') : '';
}
