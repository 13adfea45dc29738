import type { Database } from '../../db/database.js';
import { DailyBound, holdForLaterDay, utcDay } from './daily-bound.js';
import { type DecisionDeps, recordDecision } from './decisions.js';
import { linkPossibleDuplicate } from './duplicates.js';
import { RegistryIndex } from './matching/index.js';
import {
  findDuplicateInReview,
  isIdentityUnchecked,
  type Proposal,
  proposeForPerson,
  Reason,
  toReview,
  UNCHECKED_ANSWER,
} from './propose.js';
import { pendingSubmissions, registrationsInReview, type StoredSubmission } from './submissions.js';

/** What the reconciliation needs: the store, the registry (searched in the database), and the link. */
export interface ReconcileDeps extends DecisionDeps {
  readonly db: Database;
  readonly now: () => Date;
  /** How many of one mission's submissions the rules decide per UTC day (daily-bound.ts). */
  readonly submissionsPerMissionPerDay: number;
  /** Publishes a sealed envelope to a mission once committed. */
  readonly publish: (missionId: string, envelope: Uint8Array) => void;
  /** Told of a submission whose decision failed; it is then put in the officers' queue. */
  readonly onError?: (submissionId: string, error: unknown) => void;
}

/** What one pass did. */
export interface ReconcileReport {
  readonly match: number;
  readonly new: number;
  readonly review: number;
  readonly failed: number;
  /** Left pending for a later day: their mission had used up its daily bound. */
  readonly held: number;
}

/** Excludes every other hub process's reconciliation and registry officer decisions meanwhile. */
export const REGISTRY_LOCK = 'econsulat-registry';

/**
 * Decides up to `batchSize` pending submissions, oldest first, one transaction each: the decision
 * and the registry.result to the mission commit together, then the result is published. Those of
 * a mission past its daily bound are held for a later day instead. Runs alone across hub
 * processes, so the registry moves one step at a time: a person added for one submission is found
 * by the next one's search, even within the same pass. A second pass over the same submissions
 * finds none pending and does nothing.
 */
export async function reconcilePending(deps: ReconcileDeps, batchSize = 100): Promise<ReconcileReport> {
  return deps.db.exclusive(REGISTRY_LOCK, async () => {
    const counts = { match: 0, new: 0, review: 0, failed: 0, held: 0 };
    const today = deps.now();
    const pending = await pendingSubmissions(deps.db, batchSize, utcDay(today));
    if (pending.length === 0) return counts;
    const batch = await withinDailyBound(deps, pending, today);
    counts.held = pending.length - batch.length;
    if (batch.length === 0) return counts;
    const inReview = await ReviewIndex.load(deps.db);
    for (const submission of batch) {
      try {
        const decided = await decideOne(deps, inReview, submission);
        if (decided) counts[decided] += 1;
      } catch (error) {
        counts.failed += 1;
        deps.onError?.(submission.submissionId, error);
        await parkForOfficer(deps, submission).catch(() => undefined);
      }
    }
    return counts;
  });
}

/**
 * The submissions the rules may decide today, in order; the others are held for a later day, so
 * that a mission flooding the registry is answered at the bound's pace and nothing is lost.
 */
async function withinDailyBound(
  deps: ReconcileDeps,
  pending: readonly StoredSubmission[],
  today: Date,
): Promise<StoredSubmission[]> {
  const bound = await DailyBound.load(deps.db, deps.submissionsPerMissionPerDay, today);
  const batch: StoredSubmission[] = [];
  const held: string[] = [];
  for (const submission of pending) {
    if (bound.take(submission)) batch.push(submission);
    else held.push(submission.submissionId);
  }
  await holdForLaterDay(deps.db, held, utcDay(today));
  return batch;
}

async function decideOne(
  deps: ReconcileDeps,
  inReview: ReviewIndex,
  submission: StoredSubmission,
): Promise<Proposal['decision'] | undefined> {
  let proposal = await proposeForPerson(deps.db, deps.registry, submission.person);
  const duplicate =
    submission.kind === 'registration' && proposal.decision !== 'match'
      ? inReview.find(submission)
      : undefined;
  if (duplicate && proposal.decision === 'new')
    proposal = toReview(proposal, Reason.PossibleDuplicateInReview);
  // No agent checked the person: nothing goes down and nothing is issued before an officer decides.
  const unchecked = isIdentityUnchecked(submission);
  if (unchecked) proposal = toReview(proposal, Reason.IdentityNotChecked);
  const now = deps.now();
  const recorded = await deps.db.transaction(async (tx) => {
    const done = await recordDecision(
      tx,
      deps,
      { submission, ...proposal, decidedBy: 'rule', ...(unchecked ? { told: UNCHECKED_ANSWER } : {}) },
      'pending',
      now,
    );
    if (done && duplicate) {
      await linkPossibleDuplicate(
        tx,
        submission.submissionId,
        duplicate.registryId,
        duplicate.score,
        duplicate.reasons,
        now,
      );
    }
    return done;
  });
  if (!recorded) return undefined;
  if (recorded.outbound) deps.publish(recorded.outbound.missionId, recorded.outbound.envelope);
  if (proposal.decision === 'review' && submission.kind === 'registration') inReview.add(submission);
  return proposal.decision;
}

/** Reason of a submission the rules could not decide because deciding it failed. */
export const RECONCILE_FAILED = 'reconcile_failed';

/**
 * A submission whose decision failed goes to the officers' queue, so that it cannot hold up the
 * ones behind it pass after pass. Nothing is sent to the mission yet: the officer's decision will
 * be. When even this fails (the database is down), the submission stays pending for the next pass.
 */
async function parkForOfficer(deps: ReconcileDeps, submission: StoredSubmission): Promise<void> {
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    const parked = await tx.query(
      `UPDATE registry_submissions SET status = 'review', decided_at = $2
        WHERE submission_id = $1::uuid AND status = 'pending' RETURNING submission_id`,
      [submission.submissionId, now],
    );
    if (parked.length === 0) return;
    await tx.query(
      `INSERT INTO registry_decisions (submission_id, decision, score, reasons, decided_by, decided_at)
       VALUES ($1, 'review', 0, $2::jsonb, 'rule', $3)`,
      [submission.submissionId, JSON.stringify([RECONCILE_FAILED]), now],
    );
  });
}

/** Registrations in review, as a second index: the same person from two missions meets here. */
class ReviewIndex {
  readonly #index = new RegistryIndex();
  readonly #missionOf = new Map<string, string>();

  static async load(db: Database): Promise<ReviewIndex> {
    const loaded = new ReviewIndex();
    for (const submission of await registrationsInReview(db)) loaded.add(submission);
    return loaded;
  }

  add(submission: StoredSubmission): void {
    this.#index.add({ ...submission.person, id: submission.submissionId });
    this.#missionOf.set(submission.submissionId, submission.missionId);
  }

  find(submission: StoredSubmission) {
    return findDuplicateInReview(this.#index, this.#missionOf, submission.missionId, submission.person);
  }
}
