import type { Identity, RevocationList, TrustStore } from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { revokeMission } from './revocations.js';

/** What the running hub does beside the database when a mission is revoked. */
export interface RevocationEffects {
  /** Publishes a sealed envelope to a mission. */
  publish(missionId: string, envelope: Uint8Array): void;
  /** Ends the mission's connection to the embedded broker, if it has one. */
  disconnect(missionId: string): void;
}

/**
 * Revokes a mission and puts it into effect at once: the trust store refuses its keys from now,
 * its broker connection is closed, and every other mission receives the new signed revocation
 * list (held until each acknowledges it, so missions offline now learn of it when they return).
 */
export async function revokeAndAnnounce(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  missionId: string,
  reason: 'compromised' | 'retired',
  effects: RevocationEffects,
  now: Date = new Date(),
): Promise<RevocationList> {
  const { list, envelopes } = await revokeMission(db, hub, trust, missionId, reason, now);
  trust.applyRevocations(list.serial, list.entries);
  effects.disconnect(missionId);
  for (const { missionId: recipient, envelope } of envelopes) effects.publish(recipient, envelope);
  return list;
}
