import { z } from 'zod';
import { missionIdSchema } from '../parties.js';
import { backlogReportSchema, instantSchema, localizedTextSchema } from './field-schemas.js';
import { rollCallOrderSchema } from './roll-calls.js';

/** directive — an instruction of the ministry to one, several or all missions. */
export const DIRECTIVE = 'directive';
export const directiveSchema = z.strictObject({
  directiveId: z.uuid(),
  title: localizedTextSchema,
  body: localizedTextSchema,
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  target: z.union([z.literal('all'), z.array(missionIdSchema).min(1)]),
  effectiveAt: instantSchema,
  expiresAt: instantSchema.optional(),
  requiresAck: z.boolean(),
  issuedBy: z.string().min(1).max(120),
  issuedAt: instantSchema,
  /** A crisis roll-call each target mission starts on arrival (PROTOCOL.md, "Crisis roll-calls"). */
  rollCall: rollCallOrderSchema.optional(),
});
export type Directive = z.infer<typeof directiveSchema>;

/** directive.receipt — sent by the node automatically when it stores a directive. */
export const DIRECTIVE_RECEIPT = 'directive.receipt';
export const directiveReceiptSchema = z.strictObject({
  directiveId: z.uuid(),
  receivedAt: instantSchema,
  /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
  backlog: backlogReportSchema.optional(),
});
export type DirectiveReceipt = z.infer<typeof directiveReceiptSchema>;

/** directive.ack — the head of mission has read and acknowledged the directive. */
export const DIRECTIVE_ACK = 'directive.ack';
export const directiveAckSchema = z.strictObject({
  directiveId: z.uuid(),
  acknowledgedAt: instantSchema,
  acknowledgedBy: z.string().min(1).max(120),
  comment: z.string().max(2000).optional(),
  /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
  backlog: backlogReportSchema.optional(),
});
export type DirectiveAck = z.infer<typeof directiveAckSchema>;
