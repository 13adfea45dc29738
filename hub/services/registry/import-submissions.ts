import { CodedError } from '../../../common/errors/coded-error.js';
import type { RegistrySubmission } from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';

/** What an import wrote. */
export interface ImportReport {
  /** Lines added to the queue. */
  readonly queued: number;
  /** Lines already in the queue from an earlier import of the same register. */
  readonly alreadyQueued: number;
}

/** HTTP status of each reason an import is refused, for the hub's error catalogue. */
export const REGISTRY_IMPORT_ERROR_STATUS = { unknown_mission: 400 } as const;

/** Why an import was refused before anything was written. */
export class RegistryImportError extends CodedError<keyof typeof REGISTRY_IMPORT_ERROR_STATUS> {
  override readonly name = 'RegistryImportError';
}

/**
 * Puts a mission's legacy register into the reconciliation queue, as submissions of that mission
 * marked `import`: the reconciliation decides them exactly like those that came over the link,
 * but sends no result down, since the mission holds no record they could apply to (the decisions
 * are read back from the hub, or written out by `econsulat registry import --out`). One
 * transaction per batch; a line already queued is left as it is.
 */
export async function queueImportedSubmissions(
  db: Database,
  missionId: string,
  submissions: readonly RegistrySubmission[],
): Promise<ImportReport> {
  if (submissions.length === 0) return { queued: 0, alreadyQueued: 0 };
  return db.transaction(async (tx) => {
    const [mission] = await tx.query('SELECT id FROM missions WHERE id = $1', [missionId]);
    if (!mission) throw new RegistryImportError('unknown_mission', `no enrolled mission ${missionId}`);
    const inserted = await tx.query(
      `INSERT INTO registry_submissions
         (submission_id, mission_id, kind, record_id, person, event_date, event_place, submitted_at, origin)
       SELECT (s->>'submissionId')::uuid, $1, s->>'kind', s->>'recordId', s->'person', s->>'eventDate',
              s->>'eventPlace', (s->>'submittedAt')::timestamptz, 'import'
         FROM jsonb_array_elements($2::jsonb) AS s
       ON CONFLICT (submission_id) DO NOTHING RETURNING submission_id`,
      [missionId, JSON.stringify(submissions)],
    );
    return { queued: inserted.length, alreadyQueued: submissions.length - inserted.length };
  });
}

/** The decisions on imported submissions, by record id, for writing out. */
export async function importedDecisions(db: Database, missionId: string, submissionIds: readonly string[]) {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT s.record_id, s.submission_id, s.status, p.national_id, d.score, d.reasons
       FROM registry_submissions s
       LEFT JOIN LATERAL (SELECT person_id, score, reasons FROM registry_decisions
                           WHERE submission_id = s.submission_id ORDER BY id DESC LIMIT 1) d ON true
       LEFT JOIN registry_persons p ON p.id = d.person_id
      WHERE s.mission_id = $1 AND s.submission_id IN (SELECT (jsonb_array_elements_text($2::jsonb))::uuid)
      ORDER BY s.record_id`,
    [missionId, JSON.stringify(submissionIds)],
  );
  return rows.map((row) => ({
    record_id: String(row.record_id),
    submission_id: String(row.submission_id),
    decision: String(row.status),
    ...(row.national_id ? { national_id: String(row.national_id) } : {}),
    score: row.score === null ? null : Number(row.score),
    reasons: (row.reasons as string[] | null) ?? [],
  }));
}
