import {
  CHANNEL_RESYNC,
  decide,
  type OpenedMessage,
  open,
  RESEND_REQUEST,
  type RefusalReason,
} from '../../protocol/index.js';
import { immediateTransaction } from '../db/transaction.js';
import type { DownHandlers } from './handlers/index.js';
import type { LinkContext } from './link-context.js';
import {
  advanceApplied,
  channelRow,
  keptEnvelopes,
  recordControl,
  sqliteReceiveState,
} from './link-store.js';
import { takeResync } from './resync.js';
import { acknowledge, sealControl, sealHello } from './sender.js';

/** What the link must do after receiving an envelope from the hub. */
export interface Received {
  /** Sealed control messages to publish (acks, resend requests). */
  readonly replies: Uint8Array[];
  /** Held envelopes to publish again, in order. */
  readonly resend: Uint8Array[];
  /** The refusal, when open() refused the envelope. */
  readonly refused?: RefusalReason;
  /** The sequenced message type applied, if any. */
  readonly applied?: string;
}

/**
 * Opens and applies one envelope from the hub. Opening, the handler's writes and the channel's
 * advance happen in one SQLite transaction: a crash applies the message wholly or not at all,
 * and the hub resends what was not acknowledged.
 */
export function receiveFromHub(ctx: LinkContext, bytes: Uint8Array, handlers: DownHandlers): Received {
  const { db } = ctx.store;
  return immediateTransaction(db, (): Received => {
    const opened = open(bytes, {
      self: ctx.self,
      trust: ctx.trust,
      now: ctx.now(),
      receiveState: sqliteReceiveState(db),
    });
    if (!opened.ok) {
      // A duplicate is answered with our position, so a hub that missed our ack stops resending.
      const replies = opened.reason === 'duplicate' ? [ackPosition(ctx)] : [];
      return { replies, resend: [], refused: opened.reason };
    }
    return applyOpened(ctx, opened.value, handlers);
  });
}

function applyOpened(ctx: LinkContext, message: OpenedMessage, handlers: DownHandlers): Received {
  const decision = decide(message.header, channelRow(ctx.store.db).applied_up_to);
  if (decision.action === 'resend') {
    return { replies: [sealControl(ctx, RESEND_REQUEST, { from: decision.from })], resend: [] };
  }
  if (decision.action === 'control') {
    recordControl(ctx.store.db, decision.takenAt);
    return takeControl(ctx, message);
  }
  handlers.apply(ctx, message);
  advanceApplied(ctx.store.db, decision.advanceTo, message.header.messageId);
  return { replies: [ackPosition(ctx)], resend: [], applied: message.type };
}

function takeControl(ctx: LinkContext, message: OpenedMessage): Received {
  const sentUpTo = channelRow(ctx.store.db).next_send_seq - 1;
  switch (message.type) {
    case 'ack':
      // An acknowledgement of more than this node ever sent: the node went back in time (a restore,
      // a snapshot) and must not take it for its own messages; its hello lets the hub resync.
      if (message.body.upTo > sentUpTo) return { replies: [sealHello(ctx)], resend: [] };
      acknowledge(ctx, message.body.upTo);
      return { replies: [], resend: [] };
    case RESEND_REQUEST:
      if (message.body.from - 1 > sentUpTo) return { replies: [sealHello(ctx)], resend: [] };
      // The hub asks only from its applied position + 1: what precedes `from` is acknowledged. What
      // it asks for may have been acknowledged before, if the hub went back in time: kept, sent again.
      acknowledge(ctx, message.body.from - 1);
      return { replies: [], resend: keptFrom(ctx, message.body.from) };
    case 'hello':
      // The hub (re)connected: our hello in return tells it both our positions, which repairs a
      // channel that went back in time on either side. What it has applied is acknowledged, unless
      // it is more than we ever sent; whatever it lacks goes again.
      if (message.body.receivedUpTo > sentUpTo) return { replies: [sealHello(ctx)], resend: [] };
      acknowledge(ctx, message.body.receivedUpTo);
      return { replies: [sealHello(ctx)], resend: keptFrom(ctx, message.body.receivedUpTo + 1) };
    case CHANNEL_RESYNC:
      takeResync(ctx, message.body);
      return { replies: [], resend: [] };
    default:
      return { replies: [], resend: [] };
  }
}

function keptFrom(ctx: LinkContext, from: number): Uint8Array[] {
  return keptEnvelopes(ctx.store.db, from).map((kept) => kept.envelope);
}

function ackPosition(ctx: LinkContext): Uint8Array {
  return sealControl(ctx, 'ack', { upTo: channelRow(ctx.store.db).applied_up_to });
}
