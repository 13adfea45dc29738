import smpp, { type Pdu, type Session } from 'smpp';
import { createTokenBucket } from '../backup/offsite/token-bucket.js';
import type { SmsReceipt } from '../services/outbox/sms-receipts.js';
import { readDeliverSm, type SmppInboundSms } from './smpp-deliver.js';
import { type SmsGateway, SmsGatewayError } from './sms-gateways.js';

/** An operator's SMPP account and how to use it. */
export interface SmppGatewayOptions {
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly systemType?: string;
  /** The sender id or number the SMS show (source_addr). */
  readonly sourceAddr: string;
  /** The account's rate: submit_sm per second, never exceeded (a token bucket of one second). */
  readonly messagesPerSecond: number;
  /** enquire_link period (SMPP 3.4 §4.11), default 30 s. */
  readonly enquireLinkMs?: number;
  /** No submit_sm_resp within this time is a gateway failure (default 10 s). */
  readonly submitTimeoutMs?: number;
  /** First wait before binding again after a drop, doubling up to `maxReconnectMs` (1 s, 60 s). */
  readonly minReconnectMs?: number;
  readonly maxReconnectMs?: number;
  /** A final delivery receipt; a throw answers the SMSC with a temporary error so it retries. */
  readonly onReceipt: (receipt: SmsReceipt) => unknown;
  /** A message sent to the account's number: handed to the inbound path before the SMSC is answered. */
  readonly onInbound: (sms: SmppInboundSms) => Promise<unknown>;
  /** Told of binds, drops and refusals (never a number or a text). */
  readonly log?: (event: string, detail?: Record<string, unknown>) => void;
}

/** An SMPP gateway: bound as a transceiver from `start()` until `close()`. */
export interface SmppGateway extends SmsGateway {
  close(): Promise<void>;
  /** Resolves once bound (for checks and tests); rejects with the bind's refusal or after `timeoutMs`. */
  whenBound(timeoutMs?: number): Promise<void>;
}

// SMPP 3.4 §5.1.3 command_status: the SMSC or the account at fault, not the SMS.
const GATEWAY_STATUSES = new Set([
  smpp.ESME_RTHROTTLED,
  smpp.ESME_RMSGQFUL,
  smpp.ESME_RSYSERR,
  smpp.ESME_RX_T_APPN,
  smpp.ESME_RINVBNDSTS,
]);

// One SMS's worth: 160 GSM 7-bit characters, 70 in UCS-2 (any character beyond printable ASCII
// is counted as UCS-2, which errs towards the payload).
function fitsOneSms(text: string): boolean {
  return /^[\x20-\x7e\r\n]*$/.test(text) ? text.length <= 160 : text.length <= 70;
}

/**
 * Connects and binds (bind_transceiver) at once, then keeps the bind: enquire_link every period,
 * and after a drop or a refused bind, binds again after a doubling wait. Each SMS is one
 * submit_sm asking for a final receipt (registered_delivery 1); a text longer than one SMS goes
 * whole in the message_payload TLV (SMPP 3.4 §5.3.2.32) rather than in UDH-concatenated parts,
 * so one SMS has one message id and one receipt, as the outbox keeps one provider id per row.
 * SMPP has no idempotency key: an SMS whose submit_sm_resp was lost in a drop is sent again.
 */
export function smppGateway(options: SmppGatewayOptions): SmppGateway {
  const log = options.log ?? (() => undefined);
  const bucket = createTokenBucket(() => options.messagesPerSecond);
  const pending = new Set<(error: Error) => void>();
  let session: Session | undefined;
  let bound = false;
  let closed = false;
  let lastRefusal: Error | undefined;
  let wait = options.minReconnectMs ?? 1000;
  let retry: NodeJS.Timeout | undefined;
  let boundWaiters: { done: () => void; refused: (error: Error) => void }[] = [];

  const connect = () => {
    const current = smpp.connect({
      host: options.host,
      port: options.port,
      auto_enquire_link_period: options.enquireLinkMs ?? 30_000,
    });
    session = current;
    current.on('connect', () => bind(current));
    current.on('error', (error: Error) => log('smpp error', { reason: error.message }));
    current.on('close', () => dropped(current));
    current.on('deliver_sm', (pdu: Pdu) => void delivered(current, pdu));
    current.on('enquire_link', (pdu: Pdu) => current.send(pdu.response()));
    current.on('unbind', (pdu: Pdu) => {
      current.send(pdu.response());
      current.close();
    });
  };

  const bind = (current: Session) => {
    const bindTransceiver = current.bind_transceiver as (
      o: Record<string, unknown>,
      cb: (pdu: Pdu) => void,
    ) => void;
    bindTransceiver.call(
      current,
      { system_id: options.systemId, password: options.password, system_type: options.systemType ?? '' },
      (pdu: Pdu) => {
        if (pdu.command_status !== smpp.ESME_ROK) {
          lastRefusal = new SmsGatewayError(`SMPP bind refused (status ${pdu.command_status})`, 'gateway');
          log('smpp bind refused', { status: pdu.command_status });
          // Those waiting learn it now: a wrong password does not get better in the next seconds.
          for (const waiter of boundWaiters) waiter.refused(lastRefusal);
          boundWaiters = [];
          current.close();
          return;
        }
        bound = true;
        lastRefusal = undefined;
        wait = options.minReconnectMs ?? 1000;
        log('smpp bound');
        for (const waiter of boundWaiters) waiter.done();
        boundWaiters = [];
      },
    );
  };

  const dropped = (current: Session) => {
    if (session !== current) return;
    bound = false;
    session = undefined;
    for (const reject of pending) reject(new SmsGatewayError('SMPP connection dropped', 'gateway'));
    pending.clear();
    if (closed) return;
    log('smpp dropped', { retryInMs: wait });
    retry = setTimeout(connect, wait);
    retry.unref();
    wait = Math.min(wait * 2, options.maxReconnectMs ?? 60_000);
  };

  const delivered = async (current: Session, pdu: Pdu) => {
    const delivery = readDeliverSm(pdu, new Date());
    let status = smpp.ESME_ROK;
    try {
      if (delivery.kind === 'receipt') await options.onReceipt(delivery.receipt);
      if (delivery.kind === 'inbound') await options.onInbound(delivery.sms);
    } catch (error) {
      // SMPP 3.4 §5.1.3: a temporary application error makes the SMSC deliver it again later.
      status = smpp.ESME_RX_T_APPN;
      log('smpp deliver_sm not recorded', { reason: error instanceof Error ? error.message : 'failed' });
    }
    current.send(pdu.response({ command_status: status }));
  };

  const whenBound = (timeoutMs = options.submitTimeoutMs ?? 10_000) =>
    bound
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const waiter = {
            done: () => {
              clearTimeout(timer);
              resolve();
            },
            refused: (error: Error) => {
              clearTimeout(timer);
              reject(error);
            },
          };
          const timer = setTimeout(() => {
            boundWaiters = boundWaiters.filter((w) => w !== waiter);
            reject(lastRefusal ?? new SmsGatewayError('SMPP not bound', 'gateway'));
          }, timeoutMs);
          boundWaiters.push(waiter);
        });

  const submit = (to: string, text: string) =>
    new Promise<Pdu>((resolve, reject) => {
      const current = session;
      if (!bound || current === undefined) {
        reject(new SmsGatewayError('SMPP not bound', 'gateway'));
        return;
      }
      const timer = setTimeout(
        () => fail(new SmsGatewayError('SMPP submit_sm unanswered', 'gateway')),
        options.submitTimeoutMs ?? 10_000,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        pending.delete(fail);
        reject(error);
      };
      pending.add(fail);
      const body = fitsOneSms(text) ? { short_message: text } : { message_payload: text };
      const submitSm = current.submit_sm as (o: Record<string, unknown>, cb: (pdu: Pdu) => void) => void;
      submitSm.call(
        current,
        {
          source_addr: options.sourceAddr,
          source_addr_ton: /^\d+$/.test(options.sourceAddr) ? 1 : 5,
          destination_addr: to.replace(/^\+/, ''),
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          registered_delivery: smpp.REGISTERED_DELIVERY.FINAL,
          ...body,
        },
        (pdu: Pdu) => {
          clearTimeout(timer);
          pending.delete(fail);
          resolve(pdu);
        },
      );
    });

  connect();
  return {
    whenBound,
    async send(sms) {
      await whenBound();
      await bucket.take(1);
      const answer = await submit(sms.to, sms.text);
      const status = answer.command_status;
      if (status === smpp.ESME_ROK) return { providerId: String(answer.message_id) };
      const scope = GATEWAY_STATUSES.has(status) ? 'gateway' : 'message';
      throw new SmsGatewayError(`SMSC refused the SMS (status 0x${status.toString(16)})`, scope);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = session;
      if (current === undefined) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => current.destroy(), 2000);
        current.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        const unbind = current.unbind as (cb: () => void) => boolean;
        if (!bound || !unbind.call(current, () => current.close())) current.destroy();
      });
    },
  };
}
