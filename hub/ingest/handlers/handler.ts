import type { MessageBody, MessageType } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** What a handler knows besides the message: who sent it (authenticated) and the hub's time. */
export interface HandlerContext {
  readonly missionId: string;
  readonly now: Date;
}

/** What a handler may hand back: stored envelopes to publish to the mission again. */
export interface HandlerResult {
  readonly resend?: readonly Uint8Array[];
}

/**
 * Applies one message type inside the ingest transaction. Exactly once is the channel's job; the
 * handlers still key replicas by the sender's ids, so a mission restored from a backup that sends
 * old events again under new sequences does not double them.
 */
export type Handler<T extends MessageType> = (
  tx: Queryable,
  body: MessageBody<T>,
  context: HandlerContext,
) => Promise<HandlerResult | undefined>;

/** The handlers of the types that travel mission → hub. */
export type HandlerTable = { readonly [T in MessageType]?: Handler<T> };
