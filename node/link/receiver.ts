import { decide, type OpenedMessage, open, type RefusalReason } from '../../protocol/index.js';
import { immediateTransaction } from '../db/transaction.js';
import type { DownHandlers } from './handlers/index.js';
import type { LinkContext } from './link-context.js';
import {
  advanceApplied,
  channelRow,
  heldEnvelopes,
  recordControl,
  sqliteReceiveState,
} from './link-store.js';
import { acknowledge, sealControl } from './sender.js';

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
    return { replies: [sealControl(ctx, 'resend.request', { from: decision.from })], resend: [] };
  }
  if (decision.action === 'control') {
    recordControl(ctx.store.db, decision.takenAt);
    return takeControl(ctx, message);
  }
  handlers.apply(ctx, message);
  advanceApplied(ctx.store.db, decision.advanceTo);
  return { replies: [ackPosition(ctx)], resend: [], applied: message.type };
}

function takeControl(ctx: LinkContext, message: OpenedMessage): Received {
  switch (message.type) {
    case 'ack':
      acknowledge(ctx, message.body.upTo);
      return { replies: [], resend: [] };
    case 'resend.request':
      // The hub asks only from its applied position + 1: what precedes `from` is acknowledged.
      acknowledge(ctx, message.body.from - 1);
      return {
        replies: [],
        resend: heldEnvelopes(ctx.store.db, message.body.from).map((held) => held.envelope),
      };
    case 'hello':
      // The hub restarted or reconnected: what it has applied is acknowledged, the rest goes again.
      acknowledge(ctx, message.body.receivedUpTo);
      return {
        replies: [],
        resend: heldEnvelopes(ctx.store.db, message.body.receivedUpTo + 1).map((h) => h.envelope),
      };
    default:
      return { replies: [], resend: [] };
  }
}

function ackPosition(ctx: LinkContext): Uint8Array {
  return sealControl(ctx, 'ack', { upTo: channelRow(ctx.store.db).applied_up_to });
}
