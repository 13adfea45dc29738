import type { Person, RegistrySubmission } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import type { RegistryRecord } from './matching/index.js';

/** A person of the national registry: a matching record that always has its national ID. */
export interface RegistryPerson extends RegistryRecord {
  readonly nationalId: string;
}

/** Where a new person or an event comes from: the submission that asked for it. */
export interface RegistryOrigin {
  readonly missionId: string;
  readonly submissionId: string;
}

/** A civil-status event to record against a registry person. */
export interface RegistryEventInput extends RegistryOrigin {
  readonly personId: string;
  readonly kind: Exclude<RegistrySubmission['kind'], 'registration'>;
  readonly eventDate?: string;
  readonly eventPlace?: string;
  readonly recordedAt: Date;
}

/** A registry person found by a candidate search, with how many persons bear the same full name. */
export interface FoundPerson extends RegistryPerson {
  readonly nameCount: number;
}

/** What a candidate search gives the matching engine to score. */
export interface CandidateSet {
  /** The persons worth scoring, at most a few dozen, whatever the registry's size. */
  readonly found: readonly FoundPerson[];
  /** The persons holding the searched national id (compared without case, spaces or dashes). */
  readonly holders: readonly RegistryPerson[];
  /** Over the whole registry: persons, and the sum over full names of their count squared. */
  readonly names: { readonly persons: number; readonly sumSquares: number };
}

/**
 * The national registry as the reconciliation sees it. The built-in adapter keeps it in the hub's
 * database; an adapter for the real national system takes its place behind the same methods.
 *
 * Every method gets the transaction of the decision it serves: the built-in registry writes in it,
 * so a person, an event, the decision and the result sent to the mission commit together. An
 * adapter over a remote system cannot join that transaction: it must then treat
 * `origin.submissionId` as an idempotency key, since a rolled-back decision is retried.
 *
 * What `new` means: the registry records a new person and issues their national ID number
 * (`^[A-Z0-9-]{4,30}$`, the protocol's format), which goes back to the mission. A real system that
 * issues numbers itself returns the number it issued.
 */
export interface NationalRegistry {
  /** The person holding this national ID number, if any. */
  findByNationalId(tx: Queryable, nationalId: string): Promise<RegistryPerson | undefined>;
  /** Persons by their registry ids, in no particular order; unknown ids are left out. */
  getPersons(tx: Queryable, ids: readonly string[]): Promise<RegistryPerson[]>;
  /**
   * The persons the matching engine should weigh against `person`: a search by the registry
   * itself (the built-in one in SQL), so that the hub never holds the registry in memory.
   */
  findCandidates(tx: Queryable, person: Person): Promise<CandidateSet>;
  /** Records a new person and issues their national ID; the same origin gives back the same person. */
  recordPerson(tx: Queryable, person: Person, origin: RegistryOrigin): Promise<RegistryPerson>;
  /** Records a birth, marriage or death of a person; the same submission records it once. */
  recordEvent(tx: Queryable, event: RegistryEventInput): Promise<void>;
}
