import { z } from 'zod';
import { missionIdSchema } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { type DuplicateLink, duplicatesOf } from './duplicates.js';
import type { NationalRegistry, RegistryPerson } from './national-registry.js';
import { type StoredSubmission, submissionById, submissionsByIds } from './submissions.js';

/** Filters of the queue: what waits for an officer by default, oldest first. */
export const queueQuerySchema = z.strictObject({
  status: z.enum(['review', 'pending', 'rejected']).default('review'),
  mission: missionIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type QueueQuery = z.input<typeof queueQuerySchema>;

/** One line of the queue. */
export interface QueueItem {
  readonly submissionId: string;
  readonly missionId: string;
  readonly kind: string;
  readonly recordId: string;
  readonly person: unknown;
  readonly receivedAt: string;
  readonly score: number | null;
  readonly reasons: readonly string[];
  readonly candidates: number;
  readonly duplicates: number;
}

/** The submissions of one status, with the latest decision's score and how many duplicates each has. */
export async function listQueue(db: Queryable, query: QueueQuery = {}) {
  const q = queueQuerySchema.parse(query);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT s.submission_id, s.mission_id, s.kind, s.record_id, s.person, s.received_at,
            d.score, d.reasons, jsonb_array_length(COALESCE(d.candidates, '[]'::jsonb)) AS candidates,
            (SELECT count(*) FROM registry_duplicates x
              WHERE x.submission_a = s.submission_id OR x.submission_b = s.submission_id) AS duplicates,
            count(*) OVER () AS total
       FROM registry_submissions s
       LEFT JOIN LATERAL (SELECT score, reasons, candidates FROM registry_decisions
                           WHERE submission_id = s.submission_id ORDER BY id DESC LIMIT 1) d ON true
      WHERE s.status = $1 AND ($2::text IS NULL OR s.mission_id = $2::text)
      ORDER BY s.received_at, s.submission_id LIMIT $3 OFFSET $4`,
    [q.status, q.mission ?? null, q.limit, q.offset],
  );
  const items = rows.map(
    (row): QueueItem => ({
      submissionId: String(row.submission_id),
      missionId: String(row.mission_id),
      kind: String(row.kind),
      recordId: String(row.record_id),
      person: row.person,
      receivedAt: new Date(row.received_at as string).toISOString(),
      score: row.score === null ? null : Number(row.score),
      reasons: (row.reasons as string[] | null) ?? [],
      candidates: Number(row.candidates ?? 0),
      duplicates: Number(row.duplicates),
    }),
  );
  return { status: q.status, total: Number(rows[0]?.total ?? 0), limit: q.limit, offset: q.offset, items };
}

/** A decision of the submission's history. */
export interface DecisionRecord {
  readonly decision: string;
  readonly personId: string | null;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly note: string | null;
}

/**
 * A submission with what an officer compares it to: the registry persons the rules weighed, each
 * with its score and reasons, side by side with the submitted person; the other missions'
 * registrations of the same person; and the decisions so far.
 */
export async function submissionDetail(db: Queryable, registry: NationalRegistry, submissionId: string) {
  const submission = await submissionById(db, submissionId);
  if (!submission) return undefined;
  const decisions = await decisionHistory(db, submissionId);
  const considered = await latestCandidates(db, submissionId);
  const persons = await registry.getPersons(
    db,
    considered.map((candidate) => candidate.registryId),
  );
  const byId = new Map(persons.map((person) => [person.id, person]));
  const candidates = considered.flatMap((candidate) => {
    const person = byId.get(candidate.registryId);
    return person ? [{ ...candidate, person }] : [];
  });
  const duplicates = await linkedSubmissions(db, submissionId);
  const officers = await officerActions(db, submissionId);
  return { submission, decisions, candidates, duplicates, officers };
}

/** A candidate registry person beside the submission. */
export type SideBySide = { registryId: string; score: number; reasons: string[]; person: RegistryPerson };

async function decisionHistory(db: Queryable, submissionId: string): Promise<DecisionRecord[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT decision, person_id, score, reasons, decided_by, decided_at, note FROM registry_decisions
      WHERE submission_id = $1::uuid ORDER BY id`,
    [submissionId],
  );
  return rows.map((row) => ({
    decision: String(row.decision),
    personId: (row.person_id as string | null) ?? null,
    score: Number(row.score),
    reasons: row.reasons as string[],
    decidedBy: String(row.decided_by),
    decidedAt: new Date(row.decided_at as string).toISOString(),
    note: (row.note as string | null) ?? null,
  }));
}

/** What officers did on the submission, from the audit trail: notes of `keep` included. */
async function officerActions(db: Queryable, submissionId: string) {
  const rows = await db.query<{ at: Date; actor: string; action: string; note: string | null }>(
    `SELECT at, actor, action, after->>'note' AS note FROM hub_audit_log
      WHERE entity = 'registry_submission' AND entity_id = $1 ORDER BY seq`,
    [submissionId],
  );
  return rows.map((row) => ({
    at: new Date(row.at).toISOString(),
    officer: row.actor.replace(/^officer:/, ''),
    action: row.action.replace(/^registry\./, ''),
    note: row.note,
  }));
}

async function latestCandidates(db: Queryable, submissionId: string) {
  const [row] = await db.query<{ candidates: Array<Omit<SideBySide, 'person'>> }>(
    'SELECT candidates FROM registry_decisions WHERE submission_id = $1::uuid ORDER BY id DESC LIMIT 1',
    [submissionId],
  );
  return row?.candidates ?? [];
}

async function linkedSubmissions(
  db: Queryable,
  submissionId: string,
): Promise<Array<DuplicateLink & { submission: StoredSubmission }>> {
  const links = await duplicatesOf(db, submissionId);
  const others = await submissionsByIds(
    db,
    links.map((link) => link.otherSubmissionId),
  );
  const byId = new Map(others.map((other) => [other.submissionId, other]));
  return links.flatMap((link) => {
    const submission = byId.get(link.otherSubmissionId);
    return submission ? [{ ...link, submission }] : [];
  });
}
