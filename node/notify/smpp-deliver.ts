import { createHash } from 'node:crypto';
import type { Pdu } from 'smpp';
import type { SmsReceipt } from '../services/outbox/sms-receipts.js';

/** An SMS received on the account (mobile originated), as the inbound path takes it. */
export interface SmppInboundSms {
  readonly from: string;
  readonly to: string;
  readonly text: string;
  /** What makes a redelivered deliver_sm count once (see {@link inboundIdOf}). */
  readonly id: string;
}

/** What a deliver_sm carries: a receipt, a message, or a receipt saying nothing final yet. */
export type SmppDelivery =
  | { readonly kind: 'receipt'; readonly receipt: SmsReceipt }
  | { readonly kind: 'inbound'; readonly sms: SmppInboundSms }
  | { readonly kind: 'ignored' };

// SMPP 3.4 §5.2.12: esm_class bits 2–5 = 0001 is an SMSC delivery receipt.
const RECEIPT_TYPE_MASK = 0x3c;
const MC_DELIVERY_RECEIPT = 0x04;

// SMPP 3.4 Appendix B, the `stat` field: final states only; ENROUTE, ACCEPTD and UNKNOWN wait.
const FINAL_STATES: Record<string, SmsReceipt['delivery']> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undelivered',
  EXPIRED: 'undelivered',
  REJECTD: 'undelivered',
  DELETED: 'undelivered',
};

// SMPP 3.4 §5.3.2.12 message_state TLV, the same states by number.
const MESSAGE_STATES: Record<number, string> = {
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  8: 'REJECTD',
};

/** Reads a deliver_sm: a delivery receipt (its text `id:… stat:…`, or its TLVs) or an MO message. */
export function readDeliverSm(pdu: Pdu, receivedAt: Date): SmppDelivery {
  const text = textOf(pdu.short_message) || textOf(pdu.message_payload);
  const esmClass = typeof pdu.esm_class === 'number' ? pdu.esm_class : 0;
  if ((esmClass & RECEIPT_TYPE_MASK) === MC_DELIVERY_RECEIPT) return receiptOf(pdu, text);
  const from = String(pdu.source_addr ?? '');
  const to = String(pdu.destination_addr ?? '');
  return { kind: 'inbound', sms: { from, to, text, id: inboundIdOf(from, to, text, receivedAt) } };
}

function receiptOf(pdu: Pdu, text: string): SmppDelivery {
  const fields = Object.fromEntries(
    [...text.matchAll(/(\w+(?: date)?):(\S*)/gi)].map((m) => [String(m[1]).toLowerCase(), String(m[2])]),
  );
  const providerId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : fields.id;
  const state = typeof pdu.message_state === 'number' ? MESSAGE_STATES[pdu.message_state] : undefined;
  const status = (state ?? fields.stat ?? '').toUpperCase();
  const delivery = FINAL_STATES[status];
  if (!providerId || delivery === undefined) return { kind: 'ignored' };
  return { kind: 'receipt', receipt: { providerId, delivery, status } };
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'message' in value) {
    const message = (value as { message: unknown }).message;
    return typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('latin1') : '';
  }
  return Buffer.isBuffer(value) ? value.toString('latin1') : '';
}

/**
 * SMPP gives an MO message no id. An SMSC redelivers a deliver_sm whose answer it did not get
 * within minutes: the sender, recipient, text and the 10-minute window of receipt make the id, so
 * such a redelivery counts once, and the same reply sent again later counts again.
 */
export function inboundIdOf(from: string, to: string, text: string, receivedAt: Date): string {
  const window = Math.floor(receivedAt.getTime() / 600_000);
  const digest = createHash('sha256').update(`${from}\0${to}\0${text}\0${window}`).digest('base64url');
  return `smpp:${digest.slice(0, 32)}`;
}
