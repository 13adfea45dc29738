import type { Database, Queryable } from '../../db/database.js';
import { blockingOf } from './candidate-search.js';
import { DailyBound, holdForLaterDay, utcDay } from './daily-bound.js';
import { DecisionBatch } from './decision-batch.js';
import { type DecisionDeps, type DecisionInput, type RecordedDecision, recordDecision } from './decisions.js';
import { linkPossibleDuplicate } from './duplicates.js';
import { Lookahead, type LookedAhead } from './lookahead.js';
import { RegistryIndex } from './matching/index.js';
import { PassRecords } from './pass-records.js';
import {
  findDuplicateInReview,
  isIdentityUnchecked,
  type Lookup,
  lookUpPerson,
  type Proposal,
  proposeFromLookup,
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
 * Decisions committed in one transaction: the commit and its round trips are paid once for them,
 * while the mission's channel row stays locked for a few dozen decisions only.
 */
export const DECISIONS_PER_TRANSACTION = 50;

/**
 * Decides up to `batchSize` pending submissions, oldest first, up to
 * {@link DECISIONS_PER_TRANSACTION} in one transaction: the decisions and the registry.result to the
 * missions commit together, then the results are published. When one of them fails, the others are
 * decided again one transaction each and the one that fails goes to an officer. Those of a mission
 * past its daily bound are held for a later day instead. Runs alone across hub processes, so the
 * registry moves one step at a time: a person added for one submission is found by the next one's
 * search, even within the same pass — the searches run ahead on other connections, and one that a
 * person recorded since would change is run again (pass-records.ts). A second pass over the same
 * submissions finds none pending and does nothing.
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
    const pass: Pass = { inReview: await ReviewIndex.load(deps.db), records: new PassRecords() };
    const lookahead = new Lookahead(
      deps.db,
      deps.registry,
      batch,
      pass.records,
      2 * DECISIONS_PER_TRANSACTION,
    );
    for (let from = 0; from < batch.length; from += DECISIONS_PER_TRANSACTION) {
      const chunk = batch.slice(from, from + DECISIONS_PER_TRANSACTION);
      const looked: LookedAhead[] = [];
      for (let index = from; index < from + chunk.length; index++) looked.push(await lookahead.take(index));
      try {
        for (const decided of await decideTogether(deps, pass, chunk, looked)) counts[decided] += 1;
      } catch {
        pass.records.discard();
        pass.inReview = await ReviewIndex.load(deps.db).catch(() => pass.inReview);
        for (const submission of chunk) await decideAlone(deps, pass, submission, counts);
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

/** What a pass knows besides the database: registrations in review, persons it recorded. */
interface Pass {
  inReview: ReviewIndex;
  readonly records: PassRecords;
}

/**
 * Decides `chunk` in one transaction, each against the registry as the ones before left it, and
 * publishes the results once committed. Throws, committing nothing, when any of them fails.
 */
async function decideTogether(
  deps: ReconcileDeps,
  pass: Pass,
  chunk: readonly StoredSubmission[],
  looked: readonly LookedAhead[],
): Promise<Proposal['decision'][]> {
  const decided = await deps.db.transaction(async (tx) => {
    const batch = new DecisionBatch(tx, deps);
    const write: WriteDecision = (input, now) => batch.add(input, now);
    const done: Decided[] = [];
    for (const [index, submission] of chunk.entries()) {
      const ahead = looked[index] as LookedAhead;
      const again = () => lookUpPerson(tx, deps.registry, submission.person);
      const lookup =
        'lookup' in ahead
          ? await pass.records.bringUpToDate(tx, ahead.lookup, ahead.mark, again)
          : await again();
      const one = await decideInTransaction(tx, deps, pass, submission, lookup, write);
      if (one) done.push(one);
    }
    const outbound = await batch.finish();
    return { done, outbound };
  });
  pass.records.commit();
  for (const { missionId, envelope } of decided.outbound) deps.publish(missionId, envelope);
  return decided.done.map((one) => one.decision);
}

/** One submission in its own transaction, searched now; a failure parks it for an officer. */
async function decideAlone(
  deps: ReconcileDeps,
  pass: Pass,
  submission: StoredSubmission,
  counts: Record<keyof ReconcileReport, number>,
): Promise<void> {
  try {
    const lookup = await lookUpPerson(deps.db, deps.registry, submission.person);
    const decided = await deps.db.transaction((tx) =>
      decideInTransaction(tx, deps, pass, submission, lookup, (input, now) =>
        recordDecision(tx, deps, input, 'pending', now),
      ),
    );
    pass.records.commit();
    if (!decided) return;
    if (decided.outbound) deps.publish(decided.outbound.missionId, decided.outbound.envelope);
    counts[decided.decision] += 1;
  } catch (error) {
    pass.records.discard();
    pass.inReview = await ReviewIndex.load(deps.db).catch(() => pass.inReview);
    counts.failed += 1;
    deps.onError?.(submission.submissionId, error);
    await parkForOfficer(deps, submission).catch(() => undefined);
  }
}

/** A decision recorded in a transaction not yet committed, and the result to publish after. */
interface Decided {
  readonly decision: Proposal['decision'];
  readonly outbound?: { readonly missionId: string; readonly envelope: Uint8Array };
}

/** Writes a rule decision on a pending submission; undefined when it was not pending any more. */
type WriteDecision = (input: DecisionInput, now: Date) => Promise<RecordedDecision | undefined>;

async function decideInTransaction(
  tx: Queryable,
  deps: ReconcileDeps,
  pass: Pass,
  submission: StoredSubmission,
  lookup: Lookup,
  write: WriteDecision,
): Promise<Decided | undefined> {
  let proposal = await proposeFromLookup(tx, deps.registry, submission.person, lookup);
  const duplicate =
    submission.kind === 'registration' && proposal.decision !== 'match'
      ? pass.inReview.find(submission)
      : undefined;
  if (duplicate && proposal.decision === 'new')
    proposal = toReview(proposal, Reason.PossibleDuplicateInReview);
  // No agent checked the person: nothing goes down and nothing is issued before an officer decides.
  const unchecked = isIdentityUnchecked(submission);
  if (unchecked) proposal = toReview(proposal, Reason.IdentityNotChecked);
  const now = deps.now();
  const recorded = await write(
    { submission, ...proposal, decidedBy: 'rule', ...(unchecked ? { told: UNCHECKED_ANSWER } : {}) },
    now,
  );
  if (!recorded) return undefined;
  if (duplicate) {
    await linkPossibleDuplicate(
      tx,
      submission.submissionId,
      duplicate.registryId,
      duplicate.score,
      duplicate.reasons,
      now,
    );
  }
  if (recorded.isNewPerson && recorded.person) {
    const keys = blockingOf(lookup.set)?.own;
    pass.records.record({ nationalId: recorded.person.nationalId, ...(keys ? { keys } : {}) });
  }
  if (proposal.decision === 'review' && submission.kind === 'registration') pass.inReview.add(submission);
  return { decision: proposal.decision, ...(recorded.outbound ? { outbound: recorded.outbound } : {}) };
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
