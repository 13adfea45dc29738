import { z } from 'zod';
import { countSchema, instantSchema } from './common.js';

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
