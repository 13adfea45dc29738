/** Registry persons indexed for matching: exact national ids, blocking keys, prepared fields. */
import { blockingKeys } from './blocking.js';
import { decide, type Scored, SHOWN_FLOOR } from './decide.js';
import { fullNameKey, NameFrequency } from './name-frequency.js';
import { NameCache } from './names.js';
import { type PairScore, scorePair } from './pair-score.js';
import { type PreparedPerson, preparePerson } from './prepared-person.js';
import type { MatchCandidate, MatchDecision, MatchThresholds, RegistryRecord } from './types.js';
import { weightOf } from './weights.js';

/**
 * Calibrated on labelled synthetic data (BENCHMARKS.md, "Registry matching"): 0.85 is a weight of
 * 13.5 bits, e.g. both names and a full date, or names, year and place; 0.5 is both names alone.
 */
export const DEFAULT_THRESHOLDS: MatchThresholds = { match: 0.85, review: 0.5 };

export interface RegistryIndexOptions {
  readonly thresholds?: MatchThresholds;
  /** How many registry persons a decision lists for a side-by-side review (default 3). */
  readonly topCandidates?: number;
}

interface Entry {
  readonly record: RegistryRecord;
  readonly person: PreparedPerson;
  readonly keys: readonly string[];
  readonly nameKey: string;
  /** The query that last scored this entry: an entry in several of a candidate's blocks is scored once. */
  seenBy: number;
}

export class RegistryIndex {
  readonly #entries = new Map<string, Entry>();
  readonly #blocks = new Map<string, Entry[]>();
  readonly #byNationalId = new Map<string, Entry[]>();
  readonly #names = new NameFrequency();
  readonly #prepared = new NameCache();
  readonly #rarity = (person: PreparedPerson) => this.#names.rarity(fullNameKey(person));
  readonly #thresholds: MatchThresholds;
  readonly #top: number;
  readonly #floor: number;
  #queries = 0;

  constructor(records: Iterable<RegistryRecord> = [], options: RegistryIndexOptions = {}) {
    this.#thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
    this.#top = options.topCandidates ?? 3;
    this.#floor = weightOf(Math.min(SHOWN_FLOOR, this.#thresholds.review));
    if (!(this.#thresholds.review > 0 && this.#thresholds.review <= this.#thresholds.match)) {
      throw new TypeError('thresholds must satisfy 0 < review <= match');
    }
    for (const record of records) this.add(record);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Adds a person, replacing any with the same id. */
  add(record: RegistryRecord): void {
    this.remove(record.id);
    const person = preparePerson(record, this.#prepared);
    const entry: Entry = {
      record,
      person,
      keys: blockingKeys(person),
      nameKey: fullNameKey(person),
      seenBy: 0,
    };
    this.#entries.set(record.id, entry);
    this.#names.add(entry.nameKey);
    for (const key of entry.keys) append(this.#blocks, key, entry);
    if (person.nationalId) append(this.#byNationalId, person.nationalId, entry);
  }

  remove(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#names.remove(entry.nameKey);
    for (const key of entry.keys) detach(this.#blocks, key, entry);
    if (entry.person.nationalId) detach(this.#byNationalId, entry.person.nationalId, entry);
  }

  match(candidate: MatchCandidate): MatchDecision {
    const person = preparePerson(candidate, this.#prepared);
    const byId = person.nationalId ? this.#byNationalId.get(person.nationalId) : undefined;
    if (byId?.length === 1) return this.#matchNationalId(person, byId[0]!);
    const scored = this.#scoreBlocks(person);
    const decision = decide(scored, this.#thresholds, this.#top);
    if (!byId) return decision;
    // One id held by several registry persons: the registry itself needs a look.
    return {
      ...decision,
      decision: 'review',
      reasons: ['national_id_shared', ...decision.reasons].slice(0, 20),
    };
  }

  /** Exact national id: a match, unless both names differ (the id was typed on the wrong person). */
  #matchNationalId(person: PreparedPerson, entry: Entry): MatchDecision {
    const pair = scorePair(person, entry.person, { rarity: this.#rarity }) as PairScore;
    const registryId = entry.record.id;
    const candidates = [{ registryId, score: 1, reasons: pair.reasons }];
    const namesDiffer =
      pair.reasons.includes('family_name_differs') && pair.reasons.includes('given_names_differs');
    if (!namesDiffer) {
      return {
        decision: 'match',
        registryId,
        score: 1,
        reasons: ['national_id_exact', ...pair.reasons],
        candidates,
      };
    }
    const reasons = ['national_id_exact_names_differ', ...pair.reasons];
    return { decision: 'review', registryId, score: Math.round(pair.score * 1e4) / 1e4, reasons, candidates };
  }

  #scoreBlocks(person: PreparedPerson): Scored[] {
    const query = ++this.#queries;
    const scored: Scored[] = [];
    for (const key of blockingKeys(person)) {
      for (const entry of this.#blocks.get(key) ?? []) {
        if (entry.seenBy === query) continue;
        entry.seenBy = query;
        const pair = scorePair(person, entry.person, { floor: this.#floor, rarity: this.#rarity });
        if (pair) scored.push({ registryId: entry.record.id, ...pair });
      }
    }
    return scored.sort((a, b) => b.weight - a.weight);
  }
}

function append(map: Map<string, Entry[]>, key: string, entry: Entry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function detach(map: Map<string, Entry[]>, key: string, entry: Entry): void {
  const list = map.get(key);
  if (!list) return;
  const at = list.indexOf(entry);
  if (at >= 0) list.splice(at, 1);
  if (!list.length) map.delete(key);
}
