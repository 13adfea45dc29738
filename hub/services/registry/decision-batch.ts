/**
 * The rules' decisions on pending submissions, written several in one transaction: each decision's
 * person and event as it is taken (the next decision's search must see the person), then the
 * submissions' statuses, the results sealed and held, and the decisions' rows, a statement or two
 * each whatever their number, then the links
 * between missions' registrations of one person. What one decision alone writes (decisions.ts),
 * in fewer round trips.
 */
import type { Queryable } from '../../db/database.js';
import {
  type AppliedDecision,
  applyDecision,
  type DecisionDeps,
  type DecisionInput,
  holdResults,
  insertDecisionRows,
  linkResolved,
  type RecordedDecision,
} from './decisions.js';

/** A submission left `pending` meanwhile by nobody but this pass: the transaction must not commit. */
export class NoLongerPendingError extends Error {
  constructor(expected: number, claimed: number) {
    super(`${expected - claimed} of ${expected} submissions were no longer pending`);
    this.name = 'NoLongerPendingError';
  }
}

/** Decisions on pending submissions written in the caller's transaction, finished together. */
export class DecisionBatch {
  readonly #applied: AppliedDecision[] = [];
  readonly #links: { input: DecisionInput; recorded: RecordedDecision; now: Date }[] = [];

  constructor(
    private readonly tx: Queryable,
    private readonly deps: DecisionDeps,
  ) {}

  /** Takes one decision: its person and event now; its result, row and status at {@link finish}. */
  async add(input: DecisionInput, now: Date): Promise<RecordedDecision> {
    const applied = await applyDecision(this.tx, this.deps, input, now);
    this.#applied.push(applied);
    this.#links.push({ input, recorded: applied.recorded, now });
    return applied.recorded;
  }

  /**
   * Moves every submission from `pending` to its decision, seals and holds the results and writes
   * the rows; throws {@link NoLongerPendingError} when one was not pending any more (the caller
   * rolls back and decides them one by one, which leaves that one alone). Returns the results to
   * publish once committed.
   */
  async finish(): Promise<Array<{ readonly missionId: string; readonly envelope: Uint8Array }>> {
    if (this.#applied.length === 0) return [];
    const claimed = await this.tx.query(
      `UPDATE registry_submissions s SET status = r.decision, decided_at = r.decided_at
         FROM jsonb_to_recordset($1::jsonb) AS r(submission_id uuid, decision text, decided_at timestamptz)
        WHERE s.submission_id = r.submission_id AND s.status = 'pending' RETURNING s.submission_id`,
      [JSON.stringify(this.#applied.map((one) => one.row))],
    );
    if (claimed.length !== this.#applied.length)
      throw new NoLongerPendingError(this.#applied.length, claimed.length);
    const { rows, outbound } = await holdResults(this.tx, this.deps, this.#applied);
    await insertDecisionRows(this.tx, rows);
    for (const { input, recorded, now } of this.#links)
      await linkResolved(this.tx, input.submission, recorded, now);
    return outbound;
  }
}
