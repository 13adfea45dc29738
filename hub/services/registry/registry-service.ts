import type { Identity, TrustStore } from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { createBuiltinRegistry } from './builtin-registry.js';
import { DEFAULT_SUBMISSIONS_PER_MISSION_PER_DAY } from './daily-bound.js';
import type { NationalRegistry } from './national-registry.js';
import { type ReconcileDeps, type ReconcileReport, reconcilePending } from './reconcile.js';
import { decideAsOfficer, type OfficerDecision, type OfficerOutcome } from './review.js';
import { listQueue, type QueueQuery, submissionDetail } from './review-queue.js';

/** What the registry service is built from; the built-in registry unless another is given. */
export interface RegistryServiceOptions {
  readonly db: Database;
  readonly hub: Identity;
  readonly trust: TrustStore;
  /** Publishes a sealed envelope to a mission once committed. */
  readonly publish: (missionId: string, envelope: Uint8Array) => void;
  readonly registry?: NationalRegistry;
  readonly now?: () => Date;
  readonly onError?: (submissionId: string, error: unknown) => void;
  /** How many of one mission's submissions the rules decide per UTC day (500 unless given). */
  readonly submissionsPerMissionPerDay?: number;
}

/** The hub's national registry work: reconciliation passes, the review queue, officers' decisions. */
export interface RegistryService {
  readonly registry: NationalRegistry;
  /** Decides pending submissions until none is left (or a pass decides nothing more). */
  reconcileAll(batchSize?: number): Promise<ReconcileReport>;
  queue(query?: QueueQuery): ReturnType<typeof listQueue>;
  submission(submissionId: string): ReturnType<typeof submissionDetail>;
  decide(submissionId: string, decision: OfficerDecision, officer: string): Promise<OfficerOutcome>;
}

/** Wires the registry service once per hub process; the registry itself stays in the database. */
export function createRegistryService(options: RegistryServiceOptions): RegistryService {
  const registry = options.registry ?? createBuiltinRegistry();
  const deps: ReconcileDeps = {
    db: options.db,
    hub: options.hub,
    trust: options.trust,
    registry,
    now: options.now ?? (() => new Date()),
    submissionsPerMissionPerDay:
      options.submissionsPerMissionPerDay ?? DEFAULT_SUBMISSIONS_PER_MISSION_PER_DAY,
    publish: options.publish,
    ...(options.onError ? { onError: options.onError } : {}),
  };
  return {
    registry,
    async reconcileAll(batchSize = 100) {
      const total = { match: 0, new: 0, review: 0, failed: 0, held: 0 };
      for (;;) {
        const pass = await reconcilePending(deps, batchSize);
        for (const key of Object.keys(total) as Array<keyof ReconcileReport>) total[key] += pass[key];
        // A pass of failures only stops here (the database may be down): the next tick goes on.
        // A pass that held submissions back goes on: the next one skips them and takes the rest.
        if (pass.match + pass.new + pass.review + pass.held === 0) return total;
      }
    },
    queue: (query) => listQueue(options.db, query),
    submission: (submissionId) => submissionDetail(options.db, registry, submissionId),
    decide: (submissionId, decision, officer) => decideAsOfficer(deps, submissionId, decision, officer),
  };
}
