/** Precision, recall and review rate of matching decisions against the truth of a labelled data set. */
import type { TruthLine } from './dataset.js';

export interface DecidedLine {
  readonly candidate_id: string;
  readonly decision: 'match' | 'new' | 'review';
  readonly registry_id?: string;
}

export interface Evaluation {
  readonly candidates: number;
  readonly samePersons: number;
  readonly matches: number;
  readonly correctMatches: number;
  readonly reviews: number;
  /** Correct `match` decisions over all `match` decisions. */
  readonly precision: number;
  /** Candidates who are registry persons, decided `match` to the right person, over all of them. */
  readonly recall: number;
  readonly reviewRate: number;
  /** Wrong `match` decisions by what the candidate really was. */
  readonly wrongMatches: Readonly<Record<TruthLine['kind'], number>>;
}

/** The truth about each candidate, by id; a candidate the truth does not know is refused. */
export function truthOf(truth: readonly TruthLine[]): (candidateId: string) => TruthLine {
  const byCandidate = new Map(truth.map((line) => [line.candidate_id, line]));
  return (candidateId) => {
    const expected = byCandidate.get(candidateId);
    if (!expected) throw new Error(`no truth for candidate ${candidateId}`);
    return expected;
  };
}

export function evaluate(decided: Iterable<DecidedLine>, truth: readonly TruthLine[]): Evaluation {
  const expectedOf = truthOf(truth);
  const wrongMatches = { same_person: 0, homonym: 0, sibling: 0, namesake: 0, new_person: 0 };
  let candidates = 0;
  let matches = 0;
  let correctMatches = 0;
  let reviews = 0;
  for (const line of decided) {
    const expected = expectedOf(line.candidate_id);
    candidates++;
    if (line.decision === 'review') reviews++;
    if (line.decision !== 'match') continue;
    matches++;
    if (line.registry_id === expected.registry_id) correctMatches++;
    else wrongMatches[expected.kind]++;
  }
  const samePersons = truth.filter((line) => line.kind === 'same_person').length;
  return {
    candidates,
    samePersons,
    matches,
    correctMatches,
    reviews,
    precision: matches ? correctMatches / matches : 1,
    recall: samePersons ? correctMatches / samePersons : 1,
    reviewRate: candidates ? reviews / candidates : 0,
    wrongMatches,
  };
}
