import { z } from 'zod';
import { countSchema, instantSchema } from './field-schemas.js';

/** hello — sent by a node on every connection: who it is running and how much it still has to send. */
export const HELLO = 'hello';
export const helloSchema = z.strictObject({
  softwareVersion: z.string().min(1).max(40),
  protocolVersion: z.int().min(1),
  backlog: z.strictObject({
    events: countSchema,
    oldestAt: instantSchema.optional(),
  }),
  /** The last sequence the sender applied from the recipient, so a restarted peer can resend at once. */
  receivedUpTo: countSchema,
  /**
   * The last sequence the sender sealed on its own channel, and the last of those the recipient
   * acknowledged: a recipient ahead of `sentUpTo` knows the sender went back in time (a restore, a
   * snapshot), one behind `ackedUpTo` knows it went back itself (PROTOCOL.md, "Going back in time").
   * Optional so that an older peer's hello still parses; without them nothing is detected.
   */
  sentUpTo: countSchema.optional(),
  ackedUpTo: countSchema.optional(),
  /**
   * The message id of the envelope applied at `receivedUpTo`: a peer restored from a dump may have
   * numbered another message with that very sequence, which the positions alone cannot show.
   */
  receivedLastId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  /** Set by a node restored from a backup until the hub has resynchronised its channel. */
  restored: z.literal(true).optional(),
  /**
   * The serial of the certificate the node holds for its own key: a hub that certified a newer one
   * seals it again (a database restored from before a key rotation holds the old key's).
   */
  certificateSerial: countSchema.optional(),
});
export type Hello = z.infer<typeof helloSchema>;

/** ack — cumulative: every sequenced message up to `upTo` on the reverse channel is applied. */
export const ACK = 'ack';
export const ackSchema = z.strictObject({ upTo: countSchema });
export type Ack = z.infer<typeof ackSchema>;

/**
 * resend.request — a gap was seen: send again every message from `from` on. `from` is always the
 * receiver's applied position + 1, so it also acknowledges every message before `from`.
 */
export const RESEND_REQUEST = 'resend.request';
export const resendRequestSchema = z.strictObject({ from: z.int().min(1) });
export type ResendRequest = z.infer<typeof resendRequestSchema>;

/**
 * channel.resync — hub to node: a channel went back in time (PROTOCOL.md, "Going back in time").
 * `upFrom`: the node's up channel went back; the hub moved its receiving position to `upFrom − 1`
 * and the node numbers what it has not delivered from `upFrom` on; `recovered` events it lost
 * follow as `events.recovered`. `downFrom`: the node asked for hub messages older than the hub
 * keeps; the hub sends the state in force again from `downFrom` on, and the node takes up there.
 */
export const CHANNEL_RESYNC = 'channel.resync';
export const channelResyncSchema = z
  .strictObject({
    upFrom: z.int().min(1).optional(),
    downFrom: z.int().min(1).optional(),
    recovered: countSchema,
  })
  .refine(
    (body) => body.upFrom !== undefined || body.downFrom !== undefined,
    'upFrom or downFrom is required',
  );
export type ChannelResync = z.infer<typeof channelResyncSchema>;
