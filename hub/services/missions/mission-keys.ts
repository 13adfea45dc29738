import { type PublicIdentity, verifyCertificate } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { HubError, HubErrorCode } from '../../errors.js';

/** A mission's row as enrolment and rotation judge it, locked for the caller's transaction. */
export interface MissionKeyState {
  readonly missionId: string;
  readonly revoked: boolean;
  /** The key of the certificate in force. */
  readonly current: PublicIdentity;
}

/** The mission's state, locked until the transaction ends; undefined when never enrolled. */
export async function lockMissionKeys(
  tx: Queryable,
  hub: PublicIdentity,
  missionId: string,
): Promise<MissionKeyState | undefined> {
  const [row] = await tx.query<{ certificate: unknown; revoked_at: Date | null }>(
    'SELECT certificate, revoked_at FROM missions WHERE id = $1 FOR UPDATE',
    [missionId],
  );
  if (!row) return undefined;
  const verified = verifyCertificate(row.certificate, hub);
  if (!verified)
    throw new HubError(HubErrorCode.CertificateInvalid, `${missionId}: stored certificate invalid`);
  return { missionId, revoked: row.revoked_at !== null, current: verified.subject };
}

/** Whether a key id was ever certified by this hub, for any mission: keys are never reused. */
export async function isKeyKnown(tx: Queryable, keyId: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM mission_certificates WHERE key_id = $1', [keyId]);
  return rows.length > 0;
}
