import type { Queryable } from '../../db/database.js';
import { type MatchCandidate, type MatchDecision, RegistryIndex } from './matching/index.js';
import type { NationalRegistry } from './national-registry.js';

// Persons read per query while loading: bounded rows per round trip, whatever the registry's size.
const PAGE = 5_000;

/**
 * The registry persons held in memory for matching, and how far into the registry they go. The
 * hub's registry is read once at the first reconciliation, then only what was added since (by this
 * process or another). A hub with 100,000 persons keeps them all in memory: about 170 MiB of heap
 * (ops/bench/hub-registry-memory.ts; figures in this folder's README.md).
 */
export class RegistryMemory {
  #index = new RegistryIndex();
  #cursor = 0;

  /** Persons in memory. */
  get size(): number {
    return this.#index.size;
  }

  /** Reads the persons added to the registry since the last call; returns how many. */
  async refresh(db: Queryable, registry: NationalRegistry): Promise<number> {
    let added = 0;
    for (;;) {
      const page = await registry.loadSince(db, this.#cursor, PAGE);
      for (const person of page.persons) this.#index.add(person);
      added += page.persons.length;
      this.#cursor = page.cursor;
      if (page.persons.length < PAGE) return added;
    }
  }

  /** The matching engine's decision for a person against the registry held. */
  match(candidate: MatchCandidate): MatchDecision {
    return this.#index.match(candidate);
  }
}
