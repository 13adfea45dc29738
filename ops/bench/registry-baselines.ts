/** Same-run baselines for the registry benchmark: what blocking saves, and what preparation costs. */
import { NameCache } from '../../hub/services/registry/matching/names.js';
import { scorePair } from '../../hub/services/registry/matching/pair-score.js';
import { preparePerson } from '../../hub/services/registry/matching/prepared-person.js';
import type { Dataset } from '../registry/dataset.js';

/**
 * Seconds to normalise every person of the data set (names, phonetic keys, dates, places), with a
 * fresh name cache as an index starts with.
 */
export function normalisationSeconds(dataset: Dataset): number {
  const names = new NameCache();
  const start = performance.now();
  for (const person of dataset.registry) preparePerson(person, names);
  for (const person of dataset.candidates) preparePerson(person, names);
  return (performance.now() - start) / 1000;
}

/**
 * Milliseconds per candidate when it is scored against every registry person (no blocking), on a
 * sample: the same scoring, with the same early rejection of pairs whose names rule them out.
 */
export function blockingFreeCost(dataset: Dataset, sample: number): { perCandidateMs: number } {
  const names = new NameCache();
  const registry = dataset.registry.map((person) => preparePerson(person, names));
  const candidates = dataset.candidates.slice(0, sample).map((person) => preparePerson(person, names));
  const start = performance.now();
  let kept = 0;
  for (const candidate of candidates) {
    for (const record of registry) if (scorePair(candidate, record, { floor: 0 })) kept++;
  }
  const elapsed = performance.now() - start;
  if (kept < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return { perCandidateMs: elapsed / candidates.length };
}
