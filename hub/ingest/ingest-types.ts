import type {
  ACK,
  Ack,
  CHANNEL_RESYNC,
  ChannelResync,
  HELLO,
  Hello,
  Identity,
  MessageType,
  PublicIdentity,
  RESEND_REQUEST,
  RefusalReason,
  ResendRequest,
  TrustResolver,
} from '../../protocol/index.js';
import type { OffsiteSettings } from '../services/offsite/offsite-settings.js';

/** What ingest needs besides the bytes. */
export interface IngestContext {
  /** The hub's identity: envelopes must be addressed to it. */
  readonly self: Identity;
  /** Enrolled missions' keys and the revocations in force (see loadTrustStore). */
  readonly trust: TrustResolver;
  /** Milliseconds since the epoch, from the hub's clock. */
  readonly now: number;
  readonly maxFutureSkewMs?: number;
  readonly maxEnvelopeBytes?: number;
  readonly maxBodyBytes?: number;
  /**
   * The mission whose `up` topic the envelope came on, when known. An envelope proven to come from
   * another mission is refused: the broker's ACL should have stopped it, but a third-party broker
   * may be misconfigured, and a mission must not speak on another's channel.
   */
  readonly arrivedOn?: string;
  /**
   * The mission's key in force, to seal what a handler sends back (recovered events, the state in
   * force): after a rotation, the key that sealed an old message of the backlog is superseded.
   * Without it, the key that sealed the message.
   */
  readonly keyInForce?: (missionId: string) => PublicIdentity | undefined;
  /** The off-site backup settings in force (offsite.manifest); absent when off-site backup is off. */
  readonly offsite?: OffsiteSettings;
}

/** A control message from the hub to a mission, in answer to what it sent. */
export type ControlMessage =
  | { readonly type: typeof ACK; readonly body: Ack }
  | { readonly type: typeof RESEND_REQUEST; readonly body: ResendRequest }
  | { readonly type: typeof CHANNEL_RESYNC; readonly body: ChannelResync }
  | { readonly type: typeof HELLO; readonly body: Hello };

/**
 * A control message the caller must seal and send back to the mission, with the timestamp it was
 * given under the channel's lock (hub/ingest/channel-row.ts says why there).
 */
export type ControlReply = ControlMessage & { readonly timestamp: number };

/** What ingest did with one envelope, and what the caller must send back. */
export type IngestOutcome =
  /** Applied and the channel advanced, in one transaction: acknowledge, or ask again past a gap. */
  | {
      readonly status: 'applied';
      readonly missionId: string;
      readonly messageType: MessageType;
      readonly seq: number;
      readonly reply: ControlReply;
      /** Sealed answers the handler held on the channel, to publish once committed. */
      readonly resend: readonly Uint8Array[];
    }
  /**
   * A control message taken; `resend` holds stored envelopes to publish, as they are, and `reply` a
   * control message to answer with (a resync, a resend request).
   */
  | {
      readonly status: 'control';
      readonly missionId: string;
      readonly messageType: MessageType;
      readonly resend: readonly Uint8Array[];
      readonly reply?: ControlReply;
    }
  /** Already applied (a redelivery or a replay): nothing changed; answer sequenced ones with the position. */
  | { readonly status: 'duplicate'; readonly missionId: string; readonly reply?: ControlReply }
  /** Ahead of the channel: dropped, and the mission is asked to resend from the expected sequence. */
  | { readonly status: 'gap'; readonly missionId: string; readonly seq: number; readonly reply: ControlReply }
  /** Refused and counted by reason. Nothing is sent back: the sender may not be who it claims. */
  | {
      readonly status: 'refused';
      readonly reason: RefusalReason;
      readonly detail: string;
      readonly claimedSender?: string;
    };
