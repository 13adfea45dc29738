import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type Directive,
  directiveSchema,
  type Identity,
  instantSchema,
  missionIdSchema,
  rollCallOrderSchema,
  type TrustStore,
} from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { DirectiveError, type IssuedDirective, recordDirective } from '../directives/issue-directive.js';

/** What a ministry user gives to order a roll-call: the order as on the wire, and its missions. */
export const rollCallInputSchema = z.strictObject({
  title: rollCallOrderSchema.shape.title,
  message: rollCallOrderSchema.shape.message,
  zone: rollCallOrderSchema.shape.zone,
  endsAt: instantSchema,
  needHelpList: z.boolean().default(false),
  target: z.union([z.literal('all'), z.array(missionIdSchema).min(1).max(500)]),
});
export type RollCallInput = z.input<typeof rollCallInputSchema>;

/** The audit log's entity and action for a roll-call the ministry orders. */
export const ROLL_CALL_AUDIT = { entity: 'roll_call', action: 'roll_call.ordered' } as const;

/**
 * Orders a roll-call at its missions: an urgent directive carrying it (PROTOCOL.md, "Crisis
 * roll-calls"), recorded, sealed and held for each mission, and audited, in one transaction. The
 * directive expires with the roll-call and asks no acknowledgement: the missions start it on
 * arrival. The caller publishes the envelopes once committed.
 */
export async function startRollCall(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  input: RollCallInput,
  issuedBy: string,
  now: Date,
): Promise<IssuedDirective> {
  const order = rollCallInputSchema.parse(input);
  if (Date.parse(order.endsAt) <= now.getTime())
    throw new DirectiveError('invalid_dates', 'a roll-call must end in the future');
  const directive: Directive = directiveSchema.parse({
    directiveId: randomUUID(),
    title: { fr: order.title },
    body: order.message,
    priority: 'urgent',
    target: order.target,
    effectiveAt: now.toISOString(),
    expiresAt: new Date(order.endsAt).toISOString(),
    requiresAck: false,
    issuedBy,
    issuedAt: now.toISOString(),
    rollCall: {
      title: order.title,
      message: order.message,
      zone: order.zone,
      endsAt: new Date(order.endsAt).toISOString(),
      needHelpList: order.needHelpList,
    },
  });
  return db.transaction(async (tx) => {
    const issued = await recordDirective(tx, hub, trust, directive, now);
    await appendAudit(tx, {
      at: now,
      actor: issuedBy,
      action: ROLL_CALL_AUDIT.action,
      entity: ROLL_CALL_AUDIT.entity,
      entityId: directive.directiveId,
      before: null,
      after: { ...directive.rollCall, missions: issued.envelopes.map((e) => e.missionId) },
    });
    return issued;
  });
}
