/**
 * Where a labelled data set's decisions went wrong, by cause: the candidates who are registry
 * persons and were not matched to themselves (by decision and first reason, and whether the search
 * showed the right person at all), and the wrong matches (by what the candidate really was and how
 * the birth dates agreed). Precision and recall say how much; this says what to work on.
 */
import type { TruthLine } from './dataset.js';
import { truthOf } from './evaluate.js';

export interface ExplainedDecision {
  readonly candidate_id: string;
  readonly decision: 'match' | 'new' | 'review';
  readonly registry_id?: string;
  readonly reasons: readonly string[];
  /** The registry ids the decision showed (best first). */
  readonly shown: readonly string[];
}

export interface Outcomes {
  /** Same persons not matched right: `decision:first reason` → count. */
  readonly missed: Readonly<Record<string, number>>;
  /** Of those, how many had the right person among the shown candidates. */
  readonly missedButShown: number;
  /** Wrong matches: `kind:birth date agreement` → count. */
  readonly wrong: Readonly<Record<string, number>>;
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const dateReason = (reasons: readonly string[]) =>
  reasons.find((reason) => reason.startsWith('birth_date')) ?? 'no_date';

export function outcomes(decided: Iterable<ExplainedDecision>, truth: readonly TruthLine[]): Outcomes {
  const expectedOf = truthOf(truth);
  const missed: Record<string, number> = {};
  const wrong: Record<string, number> = {};
  let missedButShown = 0;
  for (const line of decided) {
    const expected = expectedOf(line.candidate_id);
    const right = line.decision === 'match' && line.registry_id === expected.registry_id;
    if (expected.kind === 'same_person' && !right) {
      bump(missed, `${line.decision}:${line.reasons[0] ?? 'none'}`);
      if (expected.registry_id && line.shown.includes(expected.registry_id)) missedButShown++;
    }
    if (line.decision === 'match' && !right) bump(wrong, `${expected.kind}:${dateReason(line.reasons)}`);
  }
  return { missed, missedButShown, wrong };
}

/** The counts largest first, as `key count` pairs on one line. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
}
