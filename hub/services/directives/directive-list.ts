import type { CellValue } from '../../dashboards/format.js';
import type { Queryable } from '../../db/database.js';
import { PRIORITY_LABEL } from './directive-detail.js';
import { overdueParams, overdueSql } from './overdue.js';

/** The latest directives the list shows (and its CSV holds). */
export const DIRECTIVE_LIST_LIMIT = 100;

/** One directive of the list with its counts over the target missions. */
export interface DirectiveListRow {
  readonly id: string;
  readonly title: string;
  readonly requiresAck: boolean;
  readonly cells: Readonly<Record<string, CellValue>>;
}

/** The columns of the list, in order; `acknowledged` is empty when no acknowledgement is asked. */
export const LIST_COLUMNS = [
  { key: 'id', label: 'Identifiant', format: 'text' },
  { key: 'title', label: 'Titre', format: 'text' },
  { key: 'priority', label: 'Priorité', format: 'text' },
  { key: 'issuedAt', label: 'Émise le', format: 'instant' },
  { key: 'issuedBy', label: 'Par', format: 'text' },
  { key: 'targeted', label: 'Missions', format: 'int' },
  { key: 'received', label: 'Reçues', format: 'int' },
  { key: 'acknowledged', label: 'Accusées', format: 'int' },
  { key: 'overdue', label: 'En retard', format: 'int' },
] as const;

interface ListRow {
  id: string;
  title: { fr?: string } | null;
  priority: string;
  requires_ack: boolean;
  issued_at: Date;
  issued_by: string;
  targeted: number;
  received: number;
  acknowledged: number;
  overdue: number;
}

/** The latest directives with, for each, how many missions received, acknowledged, are overdue. */
export async function loadDirectiveList(db: Queryable, now: Date): Promise<DirectiveListRow[]> {
  const rows = await db.query<ListRow>(
    `SELECT d.id, d.title, d.priority, d.requires_ack, d.issued_at, d.issued_by,
            count(s.mission_id) AS targeted,
            count(s.received_at) AS received,
            count(s.acknowledged_at) AS acknowledged,
            count(*) FILTER (WHERE ${overdueSql('$1', '$2')}) AS overdue
       FROM directives d LEFT JOIN directive_status s ON s.directive_id = d.id
      GROUP BY d.id ORDER BY d.issued_at DESC LIMIT ${DIRECTIVE_LIST_LIMIT}`,
    overdueParams(now),
  );
  return rows.map((row) => ({
    id: row.id,
    title: row.title?.fr ?? '—',
    requiresAck: row.requires_ack,
    cells: {
      id: row.id,
      title: row.title?.fr ?? null,
      priority: PRIORITY_LABEL[row.priority] ?? row.priority,
      issuedAt: new Date(row.issued_at),
      issuedBy: row.issued_by,
      // Both drivers' counts (numbers from PGlite, strings from pg) as numbers.
      targeted: Number(row.targeted),
      received: Number(row.received),
      acknowledged: row.requires_ack ? Number(row.acknowledged) : null,
      overdue: Number(row.overdue),
    },
  }));
}
