/**
 * The registry persons a reconciliation pass records, so that a candidate search run ahead of its
 * turn (lookahead.ts) can be told stale: a person added for one submission must be found by the
 * next one's search, even within the same pass.
 */
import type { Queryable } from '../../db/database.js';
import { blockingOf, type RecordedKeys, registryNameStats, wouldChange } from './candidate-search.js';
import type { CandidateSet } from './national-registry.js';
import type { Lookup } from './propose.js';

/** A person the pass recorded: the number issued, and the keys a search finds them by when known. */
export interface RecordedPerson {
  readonly nationalId: string;
  /** Absent for a registry that does not say how it searches: every later search is then stale. */
  readonly keys?: RecordedKeys;
}

/** Persons recorded in this pass: committed, and those of the transaction under way. */
export class PassRecords {
  readonly #committed: RecordedPerson[] = [];
  #provisional: RecordedPerson[] = [];
  #names: { readonly at: number; readonly names: CandidateSet['names'] } | undefined;

  /** What a search sent now can see: the persons committed so far (a later commit is not counted). */
  mark(): number {
    return this.#committed.length;
  }

  /** A person recorded in the transaction under way. */
  record(person: RecordedPerson): void {
    this.#provisional.push(person);
  }

  /** The transaction under way committed. */
  commit(): void {
    this.#committed.push(...this.#provisional);
    this.#provisional = [];
  }

  /** The transaction under way rolled back: its persons do not exist. */
  discard(): void {
    this.#provisional = [];
    this.#names = undefined;
  }

  /**
   * The look-up as a search run now, in `tx`, would give it: the one sent at `mark` when no person
   * recorded since would have changed what it found (only the registry's name statistics are read
   * again), otherwise `lookUpAgain()`.
   */
  async bringUpToDate(
    tx: Queryable,
    lookup: Lookup,
    mark: number,
    lookUpAgain: () => Promise<Lookup>,
  ): Promise<Lookup> {
    const unseen = [...this.#committed.slice(mark), ...this.#provisional];
    if (unseen.length === 0) return lookup;
    const blocking = blockingOf(lookup.set);
    const changes = (person: RecordedPerson) =>
      !person.keys || !blocking || wouldChange(blocking, person.keys, person.nationalId);
    if (unseen.some(changes)) return lookUpAgain();
    return { ...lookup, set: { ...lookup.set, names: await this.#currentNames(tx) } };
  }

  // The statistics move with every person recorded: read once per person recorded, not per search.
  async #currentNames(tx: Queryable): Promise<CandidateSet['names']> {
    const at = this.#committed.length + this.#provisional.length;
    if (this.#names?.at !== at) this.#names = { at, names: await registryNameStats(tx) };
    return this.#names.names;
  }
}
