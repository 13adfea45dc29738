import { randomUUID } from 'node:crypto';
import type { Database } from '../../hub/db/database.js';
import { handleRegistrySubmission } from '../../hub/ingest/handlers/registry-submission.js';
import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import { createBuiltinRegistry } from '../../hub/services/registry/builtin-registry.js';
import type { NationalRegistry } from '../../hub/services/registry/national-registry.js';
import { createRegistryService, type RegistryService } from '../../hub/services/registry/registry-service.js';
import {
  Identity,
  open,
  type Person,
  REGISTRY_RESULT,
  type RegistryResult,
  type RegistrySubmission,
  TrustStore,
} from '../../protocol/index.js';
import { certify, enrolledHub } from './hub-fixtures.js';

/** One envelope the registry service handed to the link. */
export interface Published {
  readonly missionId: string;
  readonly envelope: Uint8Array;
}

/** A hub with two enrolled missions and its registry service, publishing into a list. */
export interface RegistryHub {
  readonly db: Database;
  readonly hub: Identity;
  readonly missions: Readonly<Record<'paris' | 'yaounde', Identity>>;
  readonly service: RegistryService;
  readonly published: Published[];
  /**
   * A submission from a mission, stored as the ingest stores it; returns its id. It carries an
   * agent's check of the person's passport, as a node sends a record its agent verified, unless
   * `unchecked` (an older node, or a record no agent checked).
   */
  submit(
    mission: 'paris' | 'yaounde',
    person: Person,
    extra?: Partial<
      Pick<RegistrySubmission, 'submissionId' | 'kind' | 'eventDate' | 'eventPlace' | 'identityCheck'>
    > & { readonly unchecked?: boolean },
  ): Promise<string>;
  /** The registry.result bodies published to a mission, opened as the mission opens them. */
  resultsFor(mission: 'paris' | 'yaounde'): RegistryResult[];
}

/** What a test may set of the registry service besides its adapter. */
export interface RegistryHubOptions {
  readonly now?: () => Date;
  readonly submissionsPerMissionPerDay?: number;
}

/**
 * Enrols `fr-paris` and `cm-yaounde` at a fresh hub on `db` and builds the registry service over it
 * (over the built-in registry unless another adapter is given).
 */
export async function registryHub(
  db: Database,
  registry?: NationalRegistry,
  options: RegistryHubOptions = {},
): Promise<RegistryHub> {
  const { hub, mission: paris } = await enrolledHub(db, 'fr-paris');
  const { identity: yaounde } = await enrolSecond(db, hub, 'cm-yaounde');
  const { trust } = await loadTrustStore(db, hub.toPublic());
  const published: Published[] = [];
  const service = createRegistryService({
    db,
    hub,
    trust,
    publish: (missionId, envelope) => published.push({ missionId, envelope }),
    ...(registry ? { registry } : {}),
    ...options,
  });
  const missions = { paris, yaounde };
  let receivedAt = 0;
  return {
    db,
    hub,
    missions,
    service,
    published,
    async submit(mission, person, { unchecked, ...extra } = {}) {
      const submissionId = extra.submissionId ?? randomUUID();
      const submittedAt = new Date().toISOString();
      const body: RegistrySubmission = {
        submissionId,
        kind: 'registration',
        recordId: `REC-${submissionId.slice(0, 8)}`,
        person,
        submittedAt,
        ...(unchecked ? {} : { identityCheck: { documentKind: 'passport', checkedAt: submittedAt } }),
        ...extra,
      };
      const missionId = missions[mission].partyId;
      // Arrival order is the order of the calls: two submissions within one millisecond would
      // otherwise tie on received_at and be reconciled in the order of their random ids.
      receivedAt = Math.max(Date.now(), receivedAt + 1);
      const now = new Date(receivedAt);
      await db.transaction((tx) => handleRegistrySubmission(tx, body, { missionId, now }));
      return submissionId;
    },
    resultsFor(mission) {
      const self = missions[mission];
      const missionTrust = new TrustStore();
      missionTrust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
      return published
        .filter((p) => p.missionId === self.partyId)
        .map((p) => {
          const opened = open(p.envelope, { self, trust: missionTrust, now: Date.now() });
          if (!opened.ok || opened.value.type !== REGISTRY_RESULT) throw new Error('not a registry result');
          return opened.value.body;
        });
    },
  };
}

async function enrolSecond(db: Database, hub: Identity, missionId: string) {
  const identity = Identity.generate(missionId);
  await recordEnrolment(db, hub.toPublic(), await certify(hub, identity));
  return { identity };
}

/**
 * The built-in registry, refusing to record anyone of `familyName` (fault injection: a remote
 * national system may refuse one person and not the next).
 */
export function registryRefusing(familyName: string): NationalRegistry {
  const builtin = createBuiltinRegistry();
  return {
    ...builtin,
    recordPerson: (tx, person, origin) =>
      person.familyName === familyName
        ? Promise.reject(new Error('national system unavailable'))
        : builtin.recordPerson(tx, person, origin),
  };
}

/** A submission's status at the hub (pending, match, new, review…), or undefined when unknown. */
export async function statusOf(ctx: RegistryHub, submissionId: string): Promise<string | undefined> {
  const [row] = await ctx.db.query<{ status: string }>(
    'SELECT status FROM registry_submissions WHERE submission_id = $1::uuid',
    [submissionId],
  );
  return row?.status;
}
