/**
 * The registry look-ups of the submissions ahead, run a few at a time on the pool's other
 * connections while the reconciliation decides the ones before (a search only reads). Each keeps
 * the pass's mark of what it could see (pass-records.ts), so that a person recorded since is
 * not missed.
 */
import type { Database } from '../../db/database.js';
import type { NationalRegistry } from './national-registry.js';
import type { PassRecords } from './pass-records.js';
import { type Lookup, lookUpPerson } from './propose.js';
import { prepareSearch } from './registry-search.js';
import type { StoredSubmission } from './submissions.js';

/** A look-up run ahead: what it found, or why it failed (searched again in turn), and its mark. */
export type LookedAhead = { readonly mark: number } & (
  | { readonly lookup: Lookup }
  | { readonly error: unknown }
);

interface Pending {
  readonly promise: Promise<LookedAhead>;
  readonly resolve: (value: LookedAhead) => void;
  taken: boolean;
}

/** How many look-ups run at once: the server's cores also serve the decisions' transaction. */
export const LOOKUPS_IN_FLIGHT = 2;

/** Runs the look-ups of `submissions`, in order, at most `inFlight` at once and `ahead` in advance. */
export class Lookahead {
  // Kept from whichever of take and start comes first until both have come.
  readonly #results = new Map<number, Pending>();
  #running = 0;
  #next = 0;
  #wanted = 0;

  constructor(
    private readonly db: Database,
    private readonly registry: NationalRegistry,
    private readonly submissions: readonly StoredSubmission[],
    private readonly records: PassRecords,
    private readonly ahead: number,
    private readonly inFlight = LOOKUPS_IN_FLIGHT,
  ) {}

  /**
   * The look-up of the submission at `index` (taken once); the ones up to `ahead` past it are
   * started meanwhile. Await every look-up a transaction needs before opening it: on PGlite, a
   * query sent during a transaction waits for its end.
   */
  take(index: number): Promise<LookedAhead> {
    this.#wanted = Math.max(this.#wanted, Math.min(this.submissions.length, index + 1 + this.ahead));
    const result = this.#result(index);
    result.taken = true;
    this.#fill();
    if (index < this.#next) this.#results.delete(index);
    return result.promise;
  }

  #result(index: number): Pending {
    let result = this.#results.get(index);
    if (!result) {
      let resolve: (value: LookedAhead) => void = () => undefined;
      const promise = new Promise<LookedAhead>((settle) => {
        resolve = settle;
      });
      result = { promise, resolve, taken: false };
      this.#results.set(index, result);
    }
    return result;
  }

  #fill(): void {
    while (this.#running < this.inFlight && this.#next < this.#wanted) this.#start(this.#next++);
  }

  #start(index: number): void {
    const submission = this.submissions[index] as StoredSubmission;
    const { resolve, taken } = this.#result(index);
    if (taken) this.#results.delete(index);
    const mark = this.records.mark();
    this.#running += 1;
    lookUpPerson(this.db, this.registry, submission.person)
      .then(
        // Prepared for scoring now, while the decisions before wait on the database.
        (lookup) =>
          resolve({ mark, lookup: { ...lookup, prepared: prepareSearch(submission.person, lookup.set) } }),
        (error: unknown) => resolve({ mark, error }),
      )
      .finally(() => {
        this.#running -= 1;
        this.#fill();
      });
  }
}
