/** Registry persons indexed for matching: exact national ids, blocking keys, prepared fields. */
import { BirthYears } from './birth-years.js';
import { blockingKeys } from './blocking.js';
import {
  type Comparable,
  checkThresholds,
  DEFAULT_THRESHOLDS,
  decideAmong,
  type MatchSettings,
  scoreFound,
} from './match-among.js';
import { fullNameKey, NameFrequency } from './name-frequency.js';
import { NameCache } from './names.js';
import { type PreparedPerson, preparePerson } from './prepared-person.js';
import type { MatchCandidate, MatchDecision, MatchThresholds, RegistryRecord } from './types.js';

export { DEFAULT_THRESHOLDS } from './match-among.js';

export interface RegistryIndexOptions {
  readonly thresholds?: MatchThresholds;
  /** How many registry persons a decision lists for a side-by-side review (default 3). */
  readonly topCandidates?: number;
}

interface Entry extends Comparable {
  readonly record: RegistryRecord;
  readonly keys: readonly string[];
  readonly nameKey: string;
}

export class RegistryIndex {
  readonly #entries = new Map<string, Entry>();
  readonly #blocks = new Map<string, Entry[]>();
  readonly #byNationalId = new Map<string, Entry[]>();
  readonly #names = new NameFrequency();
  readonly #years = new BirthYears();
  readonly #prepared = new NameCache();
  readonly #settings: MatchSettings;

  constructor(records: Iterable<RegistryRecord> = [], options: RegistryIndexOptions = {}) {
    const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
    checkThresholds(thresholds);
    this.#settings = {
      thresholds,
      top: options.topCandidates ?? 3,
      rarity: (found) => this.#names.rarity(fullNameKey(found.person)),
      ownRarity: (person) => this.#names.rarity(fullNameKey(person)),
      homonyms: {
        nameCount: (person) => this.#names.count(fullNameKey(person)),
        sameYearChance: () => this.#years.sameYearChance(),
      },
    };
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
      id: record.id,
      record,
      person,
      keys: blockingKeys(person),
      nameKey: fullNameKey(person),
    };
    this.#entries.set(record.id, entry);
    this.#names.add(entry.nameKey);
    this.#years.add(person.birthDate?.year);
    for (const key of entry.keys) append(this.#blocks, key, entry);
    if (person.nationalId) append(this.#byNationalId, person.nationalId, entry);
  }

  remove(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#names.remove(entry.nameKey);
    this.#years.remove(entry.person.birthDate?.year);
    for (const key of entry.keys) detach(this.#blocks, key, entry);
    if (entry.person.nationalId) detach(this.#byNationalId, entry.person.nationalId, entry);
  }

  match(candidate: MatchCandidate): MatchDecision {
    const person = preparePerson(candidate, this.#prepared);
    const holders = person.nationalId ? (this.#byNationalId.get(person.nationalId) ?? []) : [];
    const scored = holders.length === 1 ? [] : scoreFound(person, this.#inBlocks(person), this.#settings);
    return decideAmong(person, holders, scored, this.#settings);
  }

  *#inBlocks(person: PreparedPerson): Generator<Entry> {
    for (const key of blockingKeys(person)) yield* this.#blocks.get(key) ?? [];
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
