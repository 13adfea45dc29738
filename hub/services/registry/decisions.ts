import {
  type Identity,
  REGISTRY_RESULT,
  type RegistryResult,
  registryResultSchema,
  type TrustStore,
} from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { sealAndHoldAll, type ToHold } from '../outbound.js';
import { linkSamePerson } from './duplicates.js';
import type { ScoredCandidate } from './matching/index.js';
import type { NationalRegistry, RegistryPerson } from './national-registry.js';
import type { StoredSubmission, SubmissionStatus } from './submissions.js';

/** What a decision records, whoever takes it. */
export interface DecisionInput {
  readonly submission: StoredSubmission;
  readonly decision: 'match' | 'new' | 'review' | 'rejected';
  /** The registry person of a `match`. */
  readonly personId?: string;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly candidates: readonly ScoredCandidate[];
  /** `rule` or `officer:<username>`. */
  readonly decidedBy: string;
  readonly note?: string;
  /** What the mission's registry.result says instead of the score and reasons recorded, when less. */
  readonly told?: { readonly score: number; readonly reasons: readonly string[] };
}

/** What deciding needs besides the transaction. */
export interface DecisionDeps {
  readonly hub: Identity;
  readonly trust: TrustStore;
  readonly registry: NationalRegistry;
}

/** A committed-to-be decision and what to do once the transaction commits. */
export interface RecordedDecision {
  readonly person?: RegistryPerson;
  /** True when the decision added the person to the registry (the matching index must learn them). */
  readonly isNewPerson: boolean;
  /** The sealed registry.result to publish after commit, when the mission gets one. */
  readonly outbound?: { readonly missionId: string; readonly envelope: Uint8Array };
}

// The protocol carries at most 20 reasons of at most 200 characters.
const MAX_REASONS = 20;

/**
 * Records a decision on a submission in the caller's transaction: the submission leaves status
 * `from` (undefined when another process decided first), a `new` person is issued a national ID,
 * a civil-status event is recorded against the person, the decision is kept, the cross-mission
 * duplicates are linked, and the registry.result is sealed and held for the mission — all of it
 * committed together or not at all.
 */
export async function recordDecision(
  tx: Queryable,
  deps: DecisionDeps,
  input: DecisionInput,
  from: SubmissionStatus,
  now: Date,
): Promise<RecordedDecision | undefined> {
  const { submission } = input;
  const claimed = await tx.query(
    `UPDATE registry_submissions SET status = $2, decided_at = $3
      WHERE submission_id = $1::uuid AND status = $4 RETURNING submission_id`,
    [submission.submissionId, input.decision, now, from],
  );
  if (claimed.length === 0) return undefined;
  const applied = await applyDecision(tx, deps, input, now);
  const { rows, outbound } = await holdResults(tx, deps, [applied]);
  await insertDecisionRows(tx, rows);
  const recorded = { ...applied.recorded, ...(outbound[0] ? { outbound: outbound[0] } : {}) };
  await linkResolved(tx, input.submission, recorded, now);
  return recorded;
}

/** A decision applied, its row and registry.result still to be written and sealed. */
export interface AppliedDecision {
  readonly recorded: RecordedDecision;
  /** Without its result's sequence, which {@link holdResults} gives. */
  readonly row: DecisionRow;
  readonly result?: ToHold<typeof REGISTRY_RESULT>;
}

/**
 * Seals and holds the registry.results of decisions applied in this transaction, in two statements
 * however many (outbound.ts). Returns the decisions' rows to write, each with its result's
 * sequence, and the results to publish once committed, in order.
 */
export async function holdResults(
  tx: Queryable,
  deps: DecisionDeps,
  applied: readonly AppliedDecision[],
): Promise<{
  readonly rows: DecisionRow[];
  readonly outbound: Array<{ readonly missionId: string; readonly envelope: Uint8Array }>;
}> {
  const held = await sealAndHoldAll(
    tx,
    deps.hub,
    applied.flatMap((one) => (one.result ? [one.result] : [])),
  );
  let next = 0;
  const rows = applied.map((one) =>
    one.result ? { ...one.row, outbound_seq: (held[next++] as (typeof held)[number]).seq } : one.row,
  );
  return { rows, outbound: held.map(({ missionId, envelope }) => ({ missionId, envelope })) };
}

/** Writes decisions' rows, one or a transaction's worth, in one statement. */
export async function insertDecisionRows(tx: Queryable, rows: readonly DecisionRow[]): Promise<void> {
  await tx.query(
    `INSERT INTO registry_decisions (submission_id, decision, person_id, score, reasons, candidates,
       decided_by, decided_at, note, outbound_seq)
     SELECT r.submission_id, r.decision, r.person_id, r.score, r.reasons, r.candidates, r.decided_by,
            r.decided_at, r.note, r.outbound_seq
       FROM jsonb_to_recordset($1::jsonb)
         AS r(submission_id uuid, decision text, person_id uuid, score double precision, reasons jsonb,
              candidates jsonb, decided_by text, decided_at timestamptz, note text, outbound_seq bigint)`,
    [JSON.stringify(rows)],
  );
}

/** A row of registry_decisions, as {@link applyDecision} leaves it to write. */
export interface DecisionRow {
  readonly submission_id: string;
  readonly decision: DecisionInput['decision'];
  readonly person_id: string | null;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly candidates: readonly ScoredCandidate[];
  readonly decided_by: string;
  readonly decided_at: string;
  readonly note: string | null;
  readonly outbound_seq: number | null;
}

/**
 * What a decision does besides its own row and the submission's status: the person (a `new` one
 * issued a national ID), the event, the registry.result made ready to seal. The caller, which has
 * claimed the submission or will in the same transaction, holds the results ({@link holdResults}),
 * writes the row and then the links.
 */
export async function applyDecision(
  tx: Queryable,
  deps: DecisionDeps,
  input: DecisionInput,
  now: Date,
): Promise<AppliedDecision> {
  const { submission } = input;
  const person = await resolvePerson(tx, deps.registry, input);
  if (person && submission.kind !== 'registration') {
    await deps.registry.recordEvent(tx, {
      personId: person.id,
      kind: submission.kind,
      ...(submission.eventDate ? { eventDate: submission.eventDate } : {}),
      ...(submission.eventPlace ? { eventPlace: submission.eventPlace } : {}),
      missionId: submission.missionId,
      submissionId: submission.submissionId,
      recordedAt: now,
    });
  }
  const result = resultFor(deps, input, person, now);
  const row: DecisionRow = {
    submission_id: submission.submissionId,
    decision: input.decision,
    person_id: person?.id ?? null,
    score: clampScore(input.score),
    reasons: input.reasons.slice(0, MAX_REASONS),
    candidates: input.candidates,
    decided_by: input.decidedBy,
    decided_at: now.toISOString(),
    note: input.note ?? null,
    outbound_seq: null,
  };
  const recorded: RecordedDecision = { ...(person ? { person } : {}), isNewPerson: input.decision === 'new' };
  return { recorded, row, ...(result ? { result } : {}) };
}

/** A registration resolved to a registry person meets the other missions' registrations of them. */
export async function linkResolved(
  tx: Queryable,
  submission: StoredSubmission,
  recorded: RecordedDecision,
  now: Date,
): Promise<void> {
  if (recorded.person && submission.kind === 'registration') {
    await linkSamePerson(tx, submission, recorded.person.id, now);
  }
}

async function resolvePerson(
  tx: Queryable,
  registry: NationalRegistry,
  input: DecisionInput,
): Promise<RegistryPerson | undefined> {
  const { submission } = input;
  if (input.decision === 'new') {
    return registry.recordPerson(tx, submission.person, {
      missionId: submission.missionId,
      submissionId: submission.submissionId,
    });
  }
  if (input.decision !== 'match') return undefined;
  const [person] = await registry.getPersons(tx, [input.personId ?? '']);
  if (!person) throw new TypeError(`no registry person ${input.personId ?? '(none)'} to match`);
  return person;
}

// A legacy register loaded from a file has no record at the mission to send a result to; a
// revoked mission has no key to seal for. Their decisions are kept all the same.
function resultFor(
  deps: DecisionDeps,
  input: DecisionInput,
  person: RegistryPerson | undefined,
  now: Date,
): ToHold<typeof REGISTRY_RESULT> | undefined {
  const { submission } = input;
  if (submission.origin !== 'mission') return undefined;
  const recipient = deps.trust.keysOf(submission.missionId)[0]?.identity;
  if (!recipient) return undefined;
  const body: RegistryResult = registryResultSchema.parse({
    submissionId: submission.submissionId,
    recordId: submission.recordId,
    // The wire knows no rejection: the mission's record is flagged for follow-up, with the reason.
    decision: input.decision === 'rejected' ? 'review' : input.decision,
    ...(person ? { nationalId: person.nationalId } : {}),
    score: clampScore(input.told?.score ?? input.score),
    reasons: (input.told?.reasons ?? input.reasons)
      .slice(0, MAX_REASONS)
      .map((reason) => reason.slice(0, 200)),
    decidedAt: now.toISOString(),
  });
  return { recipient, type: REGISTRY_RESULT, body, timestamp: now.getTime() };
}

function clampScore(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}
