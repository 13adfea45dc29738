import { z } from 'zod';
import { CodedError } from '../../../common/errors/coded-error.js';
import type { Queryable } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { type DecisionInput, type RecordedDecision, recordDecision } from './decisions.js';
import { REGISTRY_LOCK, type ReconcileDeps } from './reconcile.js';
import { type StoredSubmission, submissionById } from './submissions.js';

const noteSchema = z.string().trim().min(1).max(1000);

/**
 * What a registry officer decides on a submission in review: it is this registry person, it is a
 * new person, it is rejected (the mission's record is flagged for follow-up, with the note), or it
 * stays in review (the note says what is awaited).
 */
export const officerDecisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('match'), registryId: z.uuid(), note: noteSchema.optional() }),
  z.strictObject({ decision: z.literal('new'), note: noteSchema.optional() }),
  z.strictObject({ decision: z.literal('reject'), note: noteSchema }),
  z.strictObject({ decision: z.literal('keep'), note: noteSchema }),
]);
export type OfficerDecision = z.infer<typeof officerDecisionSchema>;

/** Why an officer's decision was refused, with the HTTP status it maps to. */
/** The refusals of an officer's decision and their HTTP status (the hub's error catalogue). */
export const REGISTRY_REVIEW_ERROR_STATUS = {
  not_found: 404,
  not_in_review: 409,
  already_decided: 409,
  unknown_person: 400,
} as const;

export class RegistryReviewError extends CodedError<keyof typeof REGISTRY_REVIEW_ERROR_STATUS> {
  override readonly name = 'RegistryReviewError';

  get status(): number {
    return REGISTRY_REVIEW_ERROR_STATUS[this.code];
  }
}

/** What the officer's decision left: the submission's status, and the national ID when there is one. */
export interface OfficerOutcome {
  readonly submissionId: string;
  readonly status: 'match' | 'new' | 'review' | 'rejected';
  readonly nationalId?: string;
  readonly auditSeq: number;
}

/**
 * Applies an officer's decision to a submission in review: recorded like the rules' decisions
 * (registry person, event, result sealed for the mission in the same transaction), and appended
 * to the hub's audit trail with the state before and after. Runs under the registry lock, so it
 * never crosses a reconciliation pass.
 */
export async function decideAsOfficer(
  deps: ReconcileDeps,
  submissionId: string,
  input: OfficerDecision,
  officer: string,
): Promise<OfficerOutcome> {
  const parsed = officerDecisionSchema.parse(input);
  const now = deps.now();
  const { outcome, recorded } = await deps.db.exclusive(REGISTRY_LOCK, () =>
    deps.db.transaction((tx) => applyOfficerDecision(tx, deps, submissionId, parsed, officer, now)),
  );
  if (recorded?.outbound) deps.publish(recorded.outbound.missionId, recorded.outbound.envelope);
  return outcome;
}

async function applyOfficerDecision(
  tx: Queryable,
  deps: ReconcileDeps,
  submissionId: string,
  parsed: OfficerDecision,
  officer: string,
  now: Date,
): Promise<{ outcome: OfficerOutcome; recorded?: RecordedDecision }> {
  const submission = await reviewable(tx, submissionId);
  const before = await latestDecision(tx, submissionId);
  let recorded: RecordedDecision | undefined;
  if (parsed.decision !== 'keep') {
    const decision = await decisionInput(tx, deps, submission, parsed, officer, before);
    recorded = await recordDecision(tx, deps, decision, 'review', now);
    if (!recorded) throw new RegistryReviewError('already_decided', 'this submission was just decided');
  }
  const status: OfficerOutcome['status'] = parsed.decision === 'keep' ? 'review' : statusOf(parsed.decision);
  const person = recorded?.person;
  const auditSeq = await appendAudit(tx, {
    at: now,
    actor: `officer:${officer}`,
    action: `registry.${parsed.decision}`,
    entity: 'registry_submission',
    entityId: submissionId,
    before: {
      status: submission.status,
      decision: before.decision,
      score: before.score,
      reasons: before.reasons,
    },
    after: {
      status,
      personId: person?.id ?? null,
      nationalId: person?.nationalId ?? null,
      note: parsed.note ?? null,
    },
  });
  const outcome = { submissionId, status, ...(person ? { nationalId: person.nationalId } : {}), auditSeq };
  return { outcome, ...(recorded ? { recorded } : {}) };
}

async function reviewable(tx: Queryable, submissionId: string): Promise<StoredSubmission> {
  const submission = await submissionById(tx, submissionId);
  if (!submission) throw new RegistryReviewError('not_found', 'no such submission');
  if (submission.status === 'pending') {
    throw new RegistryReviewError(
      'not_in_review',
      'the reconciliation has not looked at this submission yet',
    );
  }
  if (submission.status !== 'review') {
    throw new RegistryReviewError(
      'already_decided',
      `this submission is already decided (${submission.status})`,
    );
  }
  return submission;
}

interface LatestDecision {
  decision?: string;
  score?: number;
  reasons?: string[];
  candidates?: Array<{ registryId: string; score: number; reasons: string[] }>;
}

async function latestDecision(tx: Queryable, submissionId: string): Promise<LatestDecision> {
  const [row] = await tx.query<LatestDecision>(
    `SELECT decision, score, reasons, candidates FROM registry_decisions
      WHERE submission_id = $1::uuid ORDER BY id DESC LIMIT 1`,
    [submissionId],
  );
  return row ?? {};
}

async function decisionInput(
  tx: Queryable,
  deps: ReconcileDeps,
  submission: StoredSubmission,
  parsed: Exclude<OfficerDecision, { decision: 'keep' }>,
  officer: string,
  before: LatestDecision,
): Promise<DecisionInput> {
  const common = { submission, decidedBy: `officer:${officer}`, candidates: before.candidates ?? [] };
  const note = parsed.note ? { note: parsed.note } : {};
  if (parsed.decision === 'match') {
    const [person] = await deps.registry.getPersons(tx, [parsed.registryId]);
    if (!person) throw new RegistryReviewError('unknown_person', 'no registry person with that id');
    const considered = before.candidates?.find((candidate) => candidate.registryId === person.id);
    const reasons = ['officer_match', ...(considered?.reasons ?? [])];
    return {
      ...common,
      ...note,
      decision: 'match',
      personId: person.id,
      score: considered?.score ?? 1,
      reasons,
    };
  }
  const reasons = [parsed.decision === 'new' ? 'officer_new' : 'officer_rejected'];
  return {
    ...common,
    ...note,
    decision: statusOf(parsed.decision),
    score: Number(before.score ?? 0),
    reasons,
  };
}

function statusOf(decision: 'match' | 'new' | 'reject'): 'match' | 'new' | 'rejected' {
  return decision === 'reject' ? 'rejected' : decision;
}
