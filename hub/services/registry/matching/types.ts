/** A person known to the national registry (or to another mission). */
export interface RegistryRecord {
  readonly id: string;
  readonly nationalId?: string;
  readonly givenNames: string;
  readonly familyName: string;
  readonly sex?: 'F' | 'M' | 'X';
  /** Partial date as registers hold them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  readonly birthDate?: string;
  readonly birthPlace?: string;
  readonly fatherName?: string;
  readonly motherName?: string;
}

/** A person to reconcile: structurally the protocol `Person`. */
export type MatchCandidate = Omit<RegistryRecord, 'id'>;

/** One registry person weighed against a candidate. */
export interface ScoredCandidate {
  readonly registryId: string;
  readonly score: number;
  readonly reasons: readonly string[];
}

/** The outcome for one candidate, with the evidence behind it. */
export interface MatchDecision {
  readonly decision: 'match' | 'new' | 'review';
  readonly registryId?: string;
  /** 0..1 */
  readonly score: number;
  /** Short stable phrases such as `national_id_exact`, `family_name_phonetic`; ≤ 20 entries of ≤ 200 chars. */
  readonly reasons: readonly string[];
  /** The best few, for a side-by-side review. */
  readonly candidates: readonly ScoredCandidate[];
}

/** Score limits between the three decisions. */
export interface MatchThresholds {
  /** At or above: `match` (when clearly ahead of the runner-up). */
  readonly match: number;
  /** At or above (and below `match`): `review`; below: `new`. */
  readonly review: number;
}
