import type { Directive } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** Where a directive stands at one mission. */
export interface MissionDirectiveStatus {
  readonly missionId: string;
  readonly sentAt: string | null;
  readonly receivedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly comment: string | null;
}

/** A directive's row, its times as the driver returns them. */
interface DirectiveRow {
  readonly directiveId: string;
  readonly title: Directive['title'];
  readonly body: Directive['body'];
  readonly priority: Directive['priority'];
  readonly target: Directive['target'];
  readonly effectiveAt: Date | string;
  readonly expiresAt: Date | string | null;
  readonly requiresAck: boolean;
  readonly issuedBy: string;
  readonly issuedAt: Date | string;
}

/** A directive with its status per target mission, or undefined. */
export async function directiveWithStatus(db: Queryable, directiveId: string) {
  const [directive] = await db.query<DirectiveRow>(
    `SELECT id AS "directiveId", title, body, priority, target, effective_at AS "effectiveAt",
            expires_at AS "expiresAt", requires_ack AS "requiresAck", issued_by AS "issuedBy", issued_at AS "issuedAt"
       FROM directives WHERE id = $1::uuid`,
    [directiveId],
  );
  if (!directive) return undefined;
  const missions = await db.query<Record<string, Date | string | null>>(
    `SELECT mission_id AS "missionId", sent_at AS "sentAt", received_at AS "receivedAt",
            acknowledged_at AS "acknowledgedAt", acknowledged_by AS "acknowledgedBy", ack_comment AS comment
       FROM directive_status WHERE directive_id = $1::uuid ORDER BY mission_id`,
    [directiveId],
  );
  return {
    ...directive,
    effectiveAt: iso(directive.effectiveAt),
    expiresAt: iso(directive.expiresAt),
    issuedAt: iso(directive.issuedAt),
    missions: missions.map(
      (row): MissionDirectiveStatus => ({
        missionId: String(row.missionId),
        sentAt: iso(row.sentAt),
        receivedAt: iso(row.receivedAt),
        acknowledgedAt: iso(row.acknowledgedAt),
        acknowledgedBy: (row.acknowledgedBy as string | null) ?? null,
        comment: (row.comment as string | null) ?? null,
      }),
    ),
  };
}

/** Times come back as Date from both drivers; the API speaks RFC 3339. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
