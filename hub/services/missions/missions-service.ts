import type { Identity, RevocationList, TrustStore } from '../../../protocol/index.js';
import { type MissionLink, missionLinks } from '../../dashboards/links.js';
import type { Database } from '../../db/database.js';
import { listMissions, type MissionStatus } from './list-missions.js';
import { type RevocationEffects, revokeAndAnnounce } from './revoke-and-announce.js';

/** What the missions service is built from: the store, the ministry's key, the link and the broker. */
export interface MissionsServiceOptions extends RevocationEffects {
  readonly db: Database;
  readonly hub: Identity;
  readonly trust: TrustStore;
  readonly now: () => Date;
}

/** The enrolled missions as the ministry sees and manages them. */
export interface MissionsService {
  /** Every enrolled mission with its link status (`GET /api/v1/missions`). */
  list(): Promise<MissionStatus[]>;
  /** Every unrevoked mission's link now, as the missions page shows it. */
  links(): Promise<MissionLink[]>;
  /** Revokes a mission, closes its connection and tells every other mission. */
  revoke(missionId: string, reason: 'compromised' | 'retired'): Promise<RevocationList>;
}

/** Wires the missions service. */
export function createMissionsService(options: MissionsServiceOptions): MissionsService {
  const { db } = options;
  return {
    list: () => listMissions(db, options.now()),
    links: () => missionLinks(db),
    revoke: (missionId, reason) =>
      revokeAndAnnounce(db, options.hub, options.trust, missionId, reason, options, options.now()),
  };
}
