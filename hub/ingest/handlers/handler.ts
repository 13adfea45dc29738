import type { Identity, MessageBody, MessageType, PublicIdentity } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import type { OffsiteSettings } from '../../services/offsite/offsite-settings.js';
import type { ControlMessage } from '../ingest-types.js';

/** What a handler knows besides the message: who sent it (authenticated) and the hub's time. */
export interface HandlerContext {
  readonly missionId: string;
  readonly now: Date;
  /** The message's channel sequence (0 for a control message); absent when a tool replays bodies. */
  readonly seq?: number;
  /** The timestamp the mission sealed the message with (its clock). */
  readonly sealedAt?: number;
  /** The hub, and the mission's key that sealed the message: to seal what goes back down. */
  readonly parties?: { readonly hub: Identity; readonly mission: PublicIdentity };
  /** The off-site backup settings in force; absent when no recovery key is configured. */
  readonly offsite?: OffsiteSettings;
}

/**
 * What a handler may hand back: envelopes to publish to the mission (stored, sent again or newly
 * sealed and held), and a control message to answer with.
 */
export interface HandlerResult {
  readonly resend?: readonly Uint8Array[];
  readonly reply?: ControlMessage;
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
