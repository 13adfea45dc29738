import type { Database } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { type MissionOffsite, offsiteByMission } from './last-stored.js';
import {
  type GenerationListing,
  type GenerationManifest,
  listGenerations,
  readChunk,
  readManifest,
} from './restore-reads.js';

/** What the off-site service is built from. */
export interface OffsiteServiceOptions {
  readonly db: Database;
  readonly now: () => Date;
  /** Whether a recovery key is configured: without one, off-site backup is off. */
  readonly isEnabled: boolean;
}

/** The missions' off-site backups as HQ sees them, and what a restore downloads. */
export interface OffsiteService {
  readonly isEnabled: boolean;
  /** Every mission's newest stored generation and whether it is overdue. */
  byMission(): Promise<MissionOffsite[]>;
  /** The unrevoked missions without a stored generation for too long (or the one asked for). */
  overdue(missionId?: string): Promise<MissionOffsite[]>;
  /** A mission's generations, newest first; undefined for a mission the hub does not know. */
  generations(missionId: string): Promise<GenerationListing[] | undefined>;
  /** A generation's signed manifest, the first step of a restore: audited as who asked for it. */
  manifest(missionId: string, generation: number, actor: string): Promise<GenerationManifest | undefined>;
  /** A sealed chunk by its address (32 bytes). */
  chunk(missionId: string, address: Uint8Array): Promise<Uint8Array | undefined>;
}

/** Wires the off-site service. */
export function createOffsiteService(options: OffsiteServiceOptions): OffsiteService {
  const { db, now } = options;
  return {
    isEnabled: options.isEnabled,
    byMission: () => offsiteByMission(db, now()),
    async overdue(missionId) {
      if (!options.isEnabled) return [];
      const missions = await offsiteByMission(db, now());
      return missions.filter((m) => m.isOverdue && (missionId === undefined || m.missionId === missionId));
    },
    async generations(missionId) {
      const [known] = await db.query('SELECT 1 FROM missions WHERE id = $1', [missionId]);
      return known ? listGenerations(db, missionId) : undefined;
    },
    manifest: (missionId, generation, actor) =>
      db.transaction(async (tx) => {
        const found = await readManifest(tx, missionId, generation);
        if (!found) return undefined;
        await appendAudit(tx, {
          at: now(),
          actor,
          action: 'offsite.manifest_downloaded',
          entity: 'offsite_generation',
          entityId: `${missionId}/${generation}`,
          before: null,
          after: { state: found.state, recoveryKeyId: found.manifest.recoveryKeyId },
        });
        return found;
      }),
    chunk: (missionId, address) => readChunk(db, missionId, address),
  };
}
