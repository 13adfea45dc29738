import type { Person } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { normaliseNationalId, type RegistryIndex, type ScoredCandidate } from './matching/index.js';
import type { CandidateSet, NationalRegistry, RegistryPerson } from './national-registry.js';
import { matchAmongFound, type PreparedSearch } from './registry-search.js';
import type { StoredSubmission } from './submissions.js';

/** What the rules propose for one submission, before anything is written. */
export interface Proposal {
  readonly decision: 'match' | 'new' | 'review';
  readonly personId?: string;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly candidates: readonly ScoredCandidate[];
}

/** The reasons the hub adds to the matching engine's. */
export const Reason = {
  NationalIdExact: 'national_id_exact',
  NationalIdConflict: 'national_id_conflict',
  NationalIdUnknown: 'national_id_unknown',
  PossibleDuplicateInReview: 'possible_duplicate_in_review',
  IdentityNotChecked: 'identity_not_checked',
} as const;

/** What the rules decide from: the registry's holder of the person's number, and its candidates. */
export interface Lookup {
  readonly holder?: RegistryPerson;
  readonly set: CandidateSet;
  /** The person and the set's persons prepared for scoring, when done ahead. */
  readonly prepared?: PreparedSearch;
}

/** Asks the registry about a person: the holder of their number, and the candidates to weigh. */
export async function lookUpPerson(
  db: Queryable,
  registry: NationalRegistry,
  person: Person,
): Promise<Lookup> {
  const holder = person.nationalId ? await registry.findByNationalId(db, person.nationalId) : undefined;
  const set = await registry.findCandidates(db, person);
  return { ...(holder ? { holder } : {}), set };
}

/** The rules' decision on a person, asking the registry now (see {@link proposeFromLookup}). */
export async function proposeForPerson(
  db: Queryable,
  registry: NationalRegistry,
  person: Person,
): Promise<Proposal> {
  return proposeFromLookup(db, registry, person, await lookUpPerson(db, registry, person));
}

/**
 * The rules' decision on a person: exact on the national ID number when the registry holds it
 * (the engine still sends it to an officer when the names are another person's); otherwise the
 * matching engine's, made prudent where a number is involved — a match on a person holding
 * another number, or a number the registry does not know, goes to an officer rather than linking
 * or issuing a second number.
 */
export async function proposeFromLookup(
  db: Queryable,
  registry: NationalRegistry,
  person: Person,
  { holder, set, prepared }: Lookup,
): Promise<Proposal> {
  const matched = matchAmongFound(person, set, {}, prepared);
  if (holder && matched.registryId !== holder.id) {
    // The registry holds the number but its search did not return the person: the number decides.
    const reasons = [Reason.NationalIdExact];
    return {
      decision: 'match',
      personId: holder.id,
      score: 1,
      reasons,
      candidates: [{ registryId: holder.id, score: 1, reasons }],
    };
  }
  const base: Proposal = {
    decision: matched.decision,
    ...(matched.registryId ? { personId: matched.registryId } : {}),
    score: matched.score,
    reasons: matched.reasons,
    candidates: matched.candidates,
  };
  // With the holder known, the engine has weighed the names too (a number typed on the wrong person).
  if (!person.nationalId || holder) return base;
  if (matched.decision === 'new') return toReview(base, Reason.NationalIdUnknown);
  if (matched.decision === 'match') {
    const matchedPerson = await personOf(db, registry, set, matched.registryId ?? '');
    // Compared as the engine compares them: "CF 0000269019" typed for "CF0000269019" is no conflict.
    const same = normaliseNationalId(matchedPerson?.nationalId) === normaliseNationalId(person.nationalId);
    if (!same) return toReview(base, Reason.NationalIdConflict);
  }
  return base;
}

// The engine matches only persons the search returned: their number is at hand.
async function personOf(
  db: Queryable,
  registry: NationalRegistry,
  set: CandidateSet,
  id: string,
): Promise<RegistryPerson | undefined> {
  const found =
    set.found.find((person) => person.id === id) ?? set.holders.find((person) => person.id === id);
  return found ?? (await registry.getPersons(db, [id]))[0];
}

/**
 * Another mission's registration of the same person, still waiting for an officer: the registry
 * cannot decide `new` for this one without risking two numbers for one person.
 */
export function findDuplicateInReview(
  reviewIndex: RegistryIndex,
  missionOf: ReadonlyMap<string, string>,
  missionId: string,
  person: Person,
): ScoredCandidate | undefined {
  if (reviewIndex.size === 0) return undefined;
  const matched = reviewIndex.match(person);
  if (matched.decision !== 'match' || !matched.registryId) return undefined;
  if (missionOf.get(matched.registryId) === missionId) return undefined;
  return { registryId: matched.registryId, score: matched.score, reasons: matched.reasons };
}

/** A proposal turned over to an officer, with why. */
export function toReview(proposal: Proposal, reason: string): Proposal {
  const { personId: _matched, ...rest } = proposal;
  return { ...rest, decision: 'review', reasons: [...proposal.reasons, reason] };
}

/**
 * A mission learns a national ID number, and the registry issues one, only for a person one of its
 * agents checked (PROTOCOL.md, "The national registry"). A legacy register loaded by the ministry
 * (`import`) sends nothing down and is the ministry's own act: it is not asked for a check.
 */
export function isIdentityUnchecked(submission: StoredSubmission): boolean {
  return submission.origin === 'mission' && submission.identityCheck === undefined;
}

/**
 * What the mission is told of a submission no agent checked, whatever the rules found: the same
 * answer whether the registry knows the person or not, so that asking about invented persons
 * teaches nothing. The officer still sees the rules' score, reasons and candidates.
 */
export const UNCHECKED_ANSWER = { score: 0, reasons: [Reason.IdentityNotChecked] } as const;
