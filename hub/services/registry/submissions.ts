import {
  type IdentityCheck,
  identityCheckSchema,
  type Person,
  personSchema,
  type RegistrySubmission,
} from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** Where a submission stands at the hub. */
export type SubmissionStatus = 'pending' | 'match' | 'new' | 'review' | 'rejected';

/** A submission as the reconciliation reads it back from registry_submissions. */
export interface StoredSubmission {
  readonly submissionId: string;
  readonly missionId: string;
  readonly kind: RegistrySubmission['kind'];
  readonly recordId: string;
  readonly person: Person;
  readonly eventDate?: string;
  readonly eventPlace?: string;
  readonly submittedAt: string;
  readonly receivedAt: string;
  readonly status: SubmissionStatus;
  readonly origin: 'mission' | 'import';
  /** The agent's check of the person's document, when the mission sent one. */
  readonly identityCheck?: IdentityCheck;
}

interface SubmissionRow {
  submission_id: string;
  mission_id: string;
  kind: RegistrySubmission['kind'];
  record_id: string;
  person: unknown;
  event_date: string | null;
  event_place: string | null;
  submitted_at: Date;
  received_at: Date;
  status: SubmissionStatus;
  origin: 'mission' | 'import';
  identity_check: unknown;
}

const COLUMNS = `submission_id, mission_id, kind, record_id, person, event_date, event_place,
  submitted_at, received_at, status, origin, identity_check`;

/**
 * The oldest pending submissions, at most `limit`, but for those held back on `day` (`YYYY-MM-DD`):
 * their mission used up its daily bound, they wait for a later day (daily-bound.ts).
 */
export async function pendingSubmissions(
  db: Queryable,
  limit: number,
  day: string,
): Promise<StoredSubmission[]> {
  const rows = await db.query<SubmissionRow>(
    `SELECT ${COLUMNS} FROM registry_submissions
      WHERE status = 'pending' AND (held_on IS NULL OR held_on < $2::date)
      ORDER BY received_at, submission_id LIMIT $1`,
    [limit, day],
  );
  return rows.map(toSubmission);
}

/** One submission, or undefined. */
export async function submissionById(db: Queryable, id: string): Promise<StoredSubmission | undefined> {
  const [row] = await db.query<SubmissionRow>(
    `SELECT ${COLUMNS} FROM registry_submissions WHERE submission_id = $1::uuid`,
    [id],
  );
  return row ? toSubmission(row) : undefined;
}

/** Submissions by id, for the duplicates shown beside one. */
export async function submissionsByIds(db: Queryable, ids: readonly string[]): Promise<StoredSubmission[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<SubmissionRow>(
    `SELECT ${COLUMNS} FROM registry_submissions
      WHERE submission_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid) ORDER BY received_at`,
    [JSON.stringify(ids)],
  );
  return rows.map(toSubmission);
}

/** Registrations waiting for an officer: other missions' registrations of the same person may be among them. */
export async function registrationsInReview(db: Queryable): Promise<StoredSubmission[]> {
  const rows = await db.query<SubmissionRow>(
    `SELECT ${COLUMNS} FROM registry_submissions WHERE status = 'review' AND kind = 'registration'`,
  );
  return rows.map(toSubmission);
}

// Ingest validated the person; a row that no longer parses (edited by hand) keeps only its names,
// which the schema requires, so it still reaches an officer instead of blocking the queue.
function toSubmission(row: SubmissionRow): StoredSubmission {
  const parsed = personSchema.safeParse(row.person);
  const raw = (row.person ?? {}) as Record<string, unknown>;
  const person: Person = parsed.success
    ? parsed.data
    : { givenNames: String(raw.givenNames ?? '?'), familyName: String(raw.familyName ?? '?') };
  // Likewise, a check that no longer parses counts as none: the officer decides.
  const check = identityCheckSchema.safeParse(row.identity_check);
  return {
    submissionId: row.submission_id,
    missionId: row.mission_id,
    kind: row.kind,
    recordId: row.record_id,
    person,
    ...(row.event_date ? { eventDate: row.event_date } : {}),
    ...(row.event_place ? { eventPlace: row.event_place } : {}),
    submittedAt: new Date(row.submitted_at).toISOString(),
    receivedAt: new Date(row.received_at).toISOString(),
    status: row.status,
    origin: row.origin,
    ...(check.success ? { identityCheck: check.data } : {}),
  };
}
