import type { Queryable } from '../../db/database.js';
import type { StoredSubmission } from './submissions.js';

/** A link between two missions' registrations of one person, seen from one of them. */
export interface DuplicateLink {
  readonly otherSubmissionId: string;
  readonly personId: string | null;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly foundAt: string;
}

/** Reason of a link found through the registry: both registrations resolved to the same person. */
export const SAME_REGISTRY_PERSON = 'same_registry_person';

/**
 * Links a registration resolved to a registry person with every registration of that person by
 * another mission. A pair already linked while both were in review gets its person now.
 */
export async function linkSamePerson(
  tx: Queryable,
  submission: StoredSubmission,
  personId: string,
  now: Date,
): Promise<number> {
  // The person's few decisions first, each submission looked up by its key (LIMIT keeps the planner
  // from turning this into a join): statistics taken while thousands were pending would otherwise
  // have it read every decided submission for each decision.
  const others = await tx.query<{ submission_id: string }>(
    `SELECT DISTINCT d.submission_id FROM registry_decisions d
       CROSS JOIN LATERAL (SELECT 1 FROM registry_submissions s
                            WHERE s.submission_id = d.submission_id AND s.kind = 'registration'
                              AND s.mission_id <> $2 AND s.status IN ('match', 'new') LIMIT 1) AS resolved
      WHERE d.person_id = $1::uuid`,
    [personId, submission.missionId],
  );
  for (const other of others) {
    await linkPair(tx, submission.submissionId, other.submission_id, {
      personId,
      score: 1,
      reasons: [SAME_REGISTRY_PERSON],
      now,
    });
  }
  return others.length;
}

/** Links two registrations that look like one person before the registry knows them. */
export function linkPossibleDuplicate(
  tx: Queryable,
  submissionId: string,
  otherSubmissionId: string,
  score: number,
  reasons: readonly string[],
  now: Date,
): Promise<void> {
  return linkPair(tx, submissionId, otherSubmissionId, { personId: null, score, reasons, now });
}

async function linkPair(
  tx: Queryable,
  one: string,
  other: string,
  link: { personId: string | null; score: number; reasons: readonly string[]; now: Date },
): Promise<void> {
  const [a, b] = one < other ? [one, other] : [other, one];
  await tx.query(
    `INSERT INTO registry_duplicates (submission_a, submission_b, person_id, score, reasons, found_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT (submission_a, submission_b) DO UPDATE
       SET person_id = COALESCE(EXCLUDED.person_id, registry_duplicates.person_id),
           score = GREATEST(EXCLUDED.score, registry_duplicates.score)`,
    [a, b, link.personId, link.score, JSON.stringify(link.reasons), link.now],
  );
}

/** The registrations linked to one, from either side of the pair. */
export async function duplicatesOf(db: Queryable, submissionId: string): Promise<DuplicateLink[]> {
  const rows = await db.query<{
    other: string;
    person_id: string | null;
    score: number;
    reasons: string[];
    found_at: Date;
  }>(
    `SELECT CASE WHEN submission_a = $1::uuid THEN submission_b ELSE submission_a END AS other,
            person_id, score, reasons, found_at
       FROM registry_duplicates WHERE submission_a = $1::uuid OR submission_b = $1::uuid
      ORDER BY found_at`,
    [submissionId],
  );
  return rows.map((row) => ({
    otherSubmissionId: row.other,
    personId: row.person_id,
    score: Number(row.score),
    reasons: row.reasons,
    foundAt: new Date(row.found_at).toISOString(),
  }));
}
