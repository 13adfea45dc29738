import type { CellValue } from '../../dashboards/format.js';
import type { Queryable } from '../../db/database.js';
import { directiveWithStatus, type MissionDirectiveStatus } from './directive-status.js';
import { isOverdue } from './overdue.js';

/** Priorities as the ministry reads them. */
export const PRIORITY_LABEL: Readonly<Record<string, string>> = {
  low: 'basse',
  normal: 'normale',
  high: 'haute',
  urgent: 'urgente',
};

/** Where a directive stands at one mission, in the words of the page and the CSV file. */
export type MissionState = 'accusée' | 'en retard' | 'reçue' | 'envoyée' | 'non envoyée';

/** One line of the per-mission table (values typed for the page and the CSV alike). */
export interface MissionDirectiveRow {
  readonly missionId: string;
  readonly missionName: string;
  readonly state: MissionState;
  readonly cells: Readonly<Record<string, CellValue>>;
}

/** A directive, as the detail page and its CSV show it. */
export interface DirectiveDetail {
  readonly id: string;
  readonly title: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, string>>;
  readonly priority: string;
  readonly target: 'all' | readonly string[];
  readonly requiresAck: boolean;
  readonly effectiveAt: Date;
  readonly expiresAt: Date | null;
  readonly issuedBy: string;
  readonly issuedAt: Date;
  readonly missions: readonly MissionDirectiveRow[];
}

/** The columns of the per-mission table, in order. */
export const MISSION_COLUMNS = [
  { key: 'mission', label: 'Mission', format: 'text' },
  { key: 'name', label: 'Nom', format: 'text' },
  { key: 'state', label: 'État', format: 'text' },
  { key: 'sentAt', label: 'Envoyée le', format: 'instant' },
  { key: 'receivedAt', label: 'Reçue le', format: 'instant' },
  { key: 'acknowledgedAt', label: 'Accusée le', format: 'instant' },
  { key: 'acknowledgedBy', label: 'Accusée par', format: 'text' },
  { key: 'comment', label: 'Commentaire', format: 'text' },
] as const;

/** A directive with its state at each target mission (overdue by the rule of overdue.ts), or undefined. */
export async function loadDirectiveDetail(
  db: Queryable,
  id: string,
  now: Date,
): Promise<DirectiveDetail | undefined> {
  const withStatus = await directiveWithStatus(db, id);
  if (!withStatus) return undefined;
  // The service spreads the directive's row: its columns are there, untyped.
  const found = withStatus as typeof withStatus & Record<string, unknown>;
  const names = await missionNames(db);
  const expiresAt = found.expiresAt ? new Date(found.expiresAt) : null;
  const requiresAck = Boolean(found.requiresAck);
  return {
    id: String(found.directiveId),
    title: found.title as Record<string, string>,
    body: found.body as Record<string, string>,
    priority: String(found.priority),
    target: found.target as DirectiveDetail['target'],
    requiresAck,
    effectiveAt: new Date(String(found.effectiveAt)),
    expiresAt,
    issuedBy: String(found.issuedBy),
    issuedAt: new Date(String(found.issuedAt)),
    missions: found.missions.map((status) =>
      missionRow(
        status,
        names.get(status.missionId) ?? status.missionId,
        stateOf(status, isOverdue({ ...status, requiresAck, expiresAt }, now)),
      ),
    ),
  };
}

function stateOf(status: MissionDirectiveStatus, overdue: boolean): MissionState {
  if (status.acknowledgedAt) return 'accusée';
  if (overdue) return 'en retard';
  if (status.receivedAt) return 'reçue';
  return status.sentAt ? 'envoyée' : 'non envoyée';
}

function missionRow(status: MissionDirectiveStatus, name: string, state: MissionState): MissionDirectiveRow {
  const at = (value: string | null) => (value ? new Date(value) : null);
  return {
    missionId: status.missionId,
    missionName: name,
    state,
    cells: {
      mission: status.missionId,
      name,
      state,
      sentAt: at(status.sentAt),
      receivedAt: at(status.receivedAt),
      acknowledgedAt: at(status.acknowledgedAt),
      acknowledgedBy: status.acknowledgedBy,
      comment: status.comment,
    },
  };
}

async function missionNames(db: Queryable): Promise<Map<string, string>> {
  const rows = await db.query<{ id: string; name: string }>('SELECT id, name FROM missions');
  return new Map(rows.map((row) => [row.id, row.name]));
}
