import type { FileState } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';
import type { Period } from './period.js';
import { rollupWhere } from './rollup-range.js';

/** The file states in workflow order (the protocol's FILE_STATES), with their French names. */
export const FILE_STATE_LABELS: Readonly<Record<FileState, string>> = {
  submitted: 'Déposé',
  in_review: 'En instruction',
  awaiting_payment: 'Attente de paiement',
  awaiting_documents: 'Attente de pièces',
  approved: 'Accordé',
  rejected: 'Refusé',
  ready: 'Prêt',
  delivered: 'Remis',
};

/** Files opened in the period, by the state they are in now. */
export interface FileStateFigures {
  readonly total: Readonly<Record<string, number>>;
  readonly byMission: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/** Files by state for the scope and per mission, from the file-state rollup. */
export async function fileStateFigures(
  db: Queryable,
  period: Period,
  missionId?: string,
): Promise<FileStateFigures> {
  const where = rollupWhere(period, missionId);
  const rows = await db.query<{ mission_id: string; state: string; files: number }>(
    `SELECT mission_id, state, sum(files)::bigint AS files FROM dashboard_file_states
      WHERE ${where.sql} GROUP BY mission_id, state`,
    where.params,
  );
  const total: Record<string, number> = emptyStates();
  const byMission = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const files = Number(row.files);
    total[row.state] = (total[row.state] ?? 0) + files;
    const own = byMission.get(row.mission_id) ?? emptyStates();
    own[row.state] = (own[row.state] ?? 0) + files;
    byMission.set(row.mission_id, own);
  }
  return { total, byMission };
}

/** Files still being processed: neither decided and handed over, nor refused. */
export function openFiles(states: Readonly<Record<string, number>>): number {
  const closed = new Set(['rejected', 'ready', 'delivered']);
  return Object.entries(states).reduce((sum, [state, n]) => (closed.has(state) ? sum : sum + n), 0);
}

function emptyStates(): Record<string, number> {
  return Object.fromEntries(Object.keys(FILE_STATE_LABELS).map((state) => [state, 0]));
}
