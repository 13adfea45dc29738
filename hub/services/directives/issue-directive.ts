import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CodedError } from '../../../common/errors/coded-error.js';
import {
  type Directive,
  directiveSchema,
  type Identity,
  instantSchema,
  localizedTextSchema,
  missionIdSchema,
  type TrustStore,
} from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';

/** What a ministry user writes: the hub adds the id, issuer and time. */
export const directiveInputSchema = z.strictObject({
  title: localizedTextSchema,
  body: localizedTextSchema,
  priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
  target: z.union([z.literal('all'), z.array(missionIdSchema).min(1).max(500)]),
  effectiveAt: instantSchema.optional(),
  expiresAt: instantSchema.optional(),
  requiresAck: z.boolean().default(true),
});
export type DirectiveInput = z.input<typeof directiveInputSchema>;

/** HTTP status of each reason a directive is refused, for the hub's error catalogue. */
export const DIRECTIVE_ERROR_STATUS = { unknown_mission: 400, no_target: 400, invalid_dates: 400 } as const;

/** Why a directive was refused. */
export class DirectiveError extends CodedError<keyof typeof DIRECTIVE_ERROR_STATUS> {
  override readonly name = 'DirectiveError';
}

/** A directive and the envelopes to publish, per mission, once committed. */
export interface IssuedDirective {
  readonly directive: Directive;
  readonly envelopes: ReadonlyArray<{ missionId: string; envelope: Uint8Array }>;
}

/**
 * Records a directive, and for each target mission seals it (signed with the ministry's key),
 * numbers it on the mission's channel and holds it until acknowledged — all in one transaction.
 * The caller publishes the envelopes after commit; a crash before that loses nothing, since the
 * hub republishes what is unacknowledged on every connection.
 */
export async function issueDirective(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  input: DirectiveInput,
  issuedBy: string,
  now: Date,
): Promise<IssuedDirective> {
  const parsed = directiveInputSchema.parse(input);
  const directive = directiveSchema.parse({
    directiveId: randomUUID(),
    ...parsed,
    effectiveAt: parsed.effectiveAt ?? now.toISOString(),
    issuedBy,
    issuedAt: now.toISOString(),
  });
  if (directive.expiresAt && directive.expiresAt <= directive.effectiveAt) {
    throw new DirectiveError('invalid_dates', 'a directive must expire after it takes effect');
  }
  return db.transaction((tx) => recordDirective(tx, hub, trust, directive, now));
}

/**
 * {@link issueDirective} inside the caller's transaction, for a directive already built and
 * validated (a roll-call's, which the caller audits in the same transaction).
 */
export async function recordDirective(
  tx: Queryable,
  hub: Identity,
  trust: TrustStore,
  directive: Directive,
  now: Date,
): Promise<IssuedDirective> {
  const missions = await targetMissions(tx, directive.target);
  await tx.query(
    `INSERT INTO directives (id, title, body, priority, target, effective_at, expires_at, requires_ack, issued_by,
       issued_at, roll_call)
     VALUES ($1, $2::jsonb, $3::jsonb, $4, $5::jsonb, $6, $7, $8, $9, $10, $11::jsonb)`,
    [
      directive.directiveId,
      JSON.stringify(directive.title),
      JSON.stringify(directive.body),
      directive.priority,
      JSON.stringify(directive.target),
      directive.effectiveAt,
      directive.expiresAt ?? null,
      directive.requiresAck,
      directive.issuedBy,
      directive.issuedAt,
      directive.rollCall === undefined ? null : JSON.stringify(directive.rollCall),
    ],
  );
  const envelopes = [];
  for (const missionId of missions) {
    const recipient = trust.keysOf(missionId)[0]?.identity;
    if (!recipient) continue;
    const { seq, envelope } = await sealAndHold(tx, hub, recipient, 'directive', directive, now.getTime());
    await tx.query(
      `INSERT INTO directive_status (directive_id, mission_id, outbound_seq, sent_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (directive_id, mission_id) DO UPDATE SET outbound_seq = EXCLUDED.outbound_seq, sent_at = EXCLUDED.sent_at`,
      [directive.directiveId, missionId, seq, now],
    );
    envelopes.push({ missionId, envelope });
  }
  return { directive, envelopes };
}

async function targetMissions(tx: Queryable, target: Directive['target']): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    target === 'all'
      ? 'SELECT id FROM missions WHERE revoked_at IS NULL ORDER BY id'
      : `SELECT id FROM missions WHERE revoked_at IS NULL
           AND id IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY id`,
    target === 'all' ? [] : [JSON.stringify(target)],
  );
  if (target !== 'all') {
    const known = new Set(rows.map((row) => row.id));
    const unknown = target.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new DirectiveError('unknown_mission', `unknown or revoked missions: ${unknown.join(', ')}`);
  }
  if (rows.length === 0)
    throw new DirectiveError('no_target', 'no enrolled mission to send this directive to');
  return rows.map((row) => row.id);
}
