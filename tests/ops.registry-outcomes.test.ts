import { describe, expect, it } from 'vitest';
import type { TruthLine } from '../ops/registry/dataset.js';
import { type ExplainedDecision, formatCounts, outcomes } from '../ops/registry/outcomes.js';

const truth: TruthLine[] = [
  { candidate_id: 'C1', registry_id: 'R1', kind: 'same_person' },
  { candidate_id: 'C2', registry_id: 'R2', kind: 'same_person' },
  { candidate_id: 'C3', registry_id: 'R3', kind: 'same_person' },
  { candidate_id: 'C4', registry_id: null, kind: 'homonym' },
  { candidate_id: 'C5', registry_id: null, kind: 'new_person' },
];

const line = (
  candidate_id: string,
  decision: ExplainedDecision['decision'],
  reasons: string[],
  extra: Partial<ExplainedDecision> = {},
): ExplainedDecision => ({ candidate_id, decision, reasons, shown: [], ...extra });

describe('where the decisions of a labelled set went wrong', () => {
  it('counts the same persons missed by decision and first reason, and wrong matches by kind and date', () => {
    const result = outcomes(
      [
        line('C1', 'match', ['family_name_exact', 'birth_date_exact'], { registry_id: 'R1' }),
        line('C2', 'review', ['several_close_candidates', 'birth_date_year_only'], { shown: ['R9', 'R2'] }),
        line('C3', 'match', ['family_name_exact', 'birth_date_typo'], { registry_id: 'R7', shown: ['R7'] }),
        line('C4', 'match', ['family_name_exact', 'birth_date_year_only'], { registry_id: 'R4' }),
        line('C5', 'new', ['best_candidate_below_review']),
      ],
      truth,
    );
    expect(result.missed).toEqual({ 'review:several_close_candidates': 1, 'match:family_name_exact': 1 });
    expect(result.missedButShown).toBe(1);
    expect(result.wrong).toEqual({
      'same_person:birth_date_typo': 1,
      'homonym:birth_date_year_only': 1,
    });
    expect(formatCounts({ a: 1, b: 3, c: 2 })).toBe('b 3, c 2, a 1');
  });

  it('refuses a decision about a candidate the truth does not know', () => {
    expect(() => outcomes([line('C9', 'new', [])], truth)).toThrow('no truth for candidate C9');
  });
});
