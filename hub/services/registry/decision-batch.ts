/**
 * The rules' decisions on pending submissions, written several in one transaction: each decision's
 * person, event and sealed result as it is taken (the next decision's search must see the person),
 * then the submissions' statuses and the decisions' rows in one statement each, then the links
 * between missions' registrations of one person. What one decision alone writes (decisions.ts),
 * in fewer round trips.
 */
import type { Queryable } from '../../db/database.js';
import {
  applyDecision,
  type DecisionDeps,
  type DecisionInput,
  type DecisionRow,
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
  readonly #rows: DecisionRow[] = [];
  readonly #links: { input: DecisionInput; recorded: RecordedDecision; now: Date }[] = [];

  constructor(
    private readonly tx: Queryable,
    private readonly deps: DecisionDeps,
  ) {}

  /** Takes one decision: its person, event and result now, its row and status at {@link finish}. */
  async add(input: DecisionInput, now: Date): Promise<RecordedDecision> {
    const { recorded, row } = await applyDecision(this.tx, this.deps, input, now);
    this.#rows.push(row);
    this.#links.push({ input, recorded, now });
    return recorded;
  }

  /**
   * Moves every submission from `pending` to its decision and writes the rows; throws
   * {@link NoLongerPendingError} when one was not pending any more (the caller rolls back and
   * decides them one by one, which leaves that one alone).
   */
  async finish(): Promise<void> {
    if (this.#rows.length === 0) return;
    const rows = JSON.stringify(this.#rows);
    const claimed = await this.tx.query(
      `UPDATE registry_submissions s SET status = r.decision, decided_at = r.decided_at
         FROM jsonb_to_recordset($1::jsonb) AS r(submission_id uuid, decision text, decided_at timestamptz)
        WHERE s.submission_id = r.submission_id AND s.status = 'pending' RETURNING s.submission_id`,
      [rows],
    );
    if (claimed.length !== this.#rows.length)
      throw new NoLongerPendingError(this.#rows.length, claimed.length);
    await insertDecisionRows(this.tx, this.#rows);
    for (const { input, recorded, now } of this.#links)
      await linkResolved(this.tx, input.submission, recorded, now);
  }
}
