import { type Directive, directiveSchema, type Identity, type TrustStore } from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';
import { overdueSql, REMINDER_AFTER_MS } from './overdue.js';

interface Overdue {
  directive_id: string;
  mission_id: string;
  body: Record<string, unknown>;
}

/**
 * Reminds every mission of the directives that require acknowledgement and are still
 * unacknowledged a day after they were sent (and a day after the last reminder): the directive is
 * sent again, signed, as a new message on the mission's channel, which the mission records as a
 * reminder. Returns the envelopes to publish after commit.
 */
/** A directive row `d` as the body of a `directive` message (times fixed by {@link directiveOfRow}). */
export const DIRECTIVE_AS_BODY = `jsonb_build_object('directiveId', d.id, 'title', d.title, 'body', d.body,
  'priority', d.priority, 'target', d.target, 'effectiveAt', d.effective_at, 'expiresAt', d.expires_at,
  'requiresAck', d.requires_ack, 'issuedBy', d.issued_by, 'issuedAt', d.issued_at)
  || CASE WHEN d.roll_call IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rollCall', d.roll_call) END`;

/** A directive read back with {@link DIRECTIVE_AS_BODY}, validated as the wire wants it. */
export function directiveOfRow(body: Record<string, unknown>): Directive {
  return directiveSchema.parse(withIsoTimes(body));
}

export async function remindUnacknowledged(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  now: Date,
  afterMs = REMINDER_AFTER_MS,
): Promise<{ missionId: string; directiveId: string; envelope: Uint8Array }[]> {
  const due = new Date(now.getTime() - afterMs);
  return db.transaction(async (tx) => {
    const overdue = await tx.query<Overdue>(
      `SELECT s.directive_id, s.mission_id,
              ${DIRECTIVE_AS_BODY} AS body
         FROM directive_status s JOIN directives d ON d.id = s.directive_id
         JOIN missions m ON m.id = s.mission_id AND m.revoked_at IS NULL
        WHERE ${overdueSql('$1', '$2')}
          AND (s.reminded_at IS NULL OR s.reminded_at <= $1)
        ORDER BY s.sent_at`,
      [due, now],
    );
    const reminders = [];
    for (const row of overdue) {
      const recipient = trust.keysOf(row.mission_id)[0]?.identity;
      if (!recipient) continue;
      const directive = directiveOfRow(row.body);
      const { envelope } = await sealAndHold(tx, hub, recipient, 'directive', directive, now.getTime());
      await tx.query(
        'UPDATE directive_status SET reminded_at = $3 WHERE directive_id = $1 AND mission_id = $2',
        [row.directive_id, row.mission_id, now],
      );
      reminders.push({ missionId: row.mission_id, directiveId: row.directive_id, envelope });
    }
    return reminders;
  });
}

/** jsonb gives timestamps as PostgreSQL text; the wire wants RFC 3339 UTC with milliseconds. */
function withIsoTimes(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null) continue;
    out[key] = ['effectiveAt', 'expiresAt', 'issuedAt'].includes(key)
      ? new Date(String(value)).toISOString()
      : value;
  }
  return out;
}
