import {
  type PublicIdentity,
  type RevocationEntry,
  TrustStore,
  verifyCertificate,
} from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** The trust store built from the database, and what could not be trusted. */
export interface LoadedTrust {
  readonly trust: TrustStore;
  /** Key ids whose stored certificate does not verify against the hub: altered rows, or another hub's. */
  readonly rejected: readonly string[];
}

interface RevocationRow {
  mission_id: string;
  key_id: string;
  reason: RevocationEntry['reason'];
  revoked_at: Date;
  serial: number;
  last_seq: number | string | null;
}

/**
 * Builds the hub's TrustStore from the stored certificates, each verified again against the hub's
 * identity (a row edited in the database does not become trusted), with the revocations in force.
 */
export async function loadTrustStore(db: Queryable, hub: PublicIdentity): Promise<LoadedTrust> {
  const trust = new TrustStore();
  const rejected: string[] = [];
  const rows = await db.query<{ certificate: unknown }>(
    'SELECT certificate FROM missions UNION SELECT certificate FROM mission_certificates',
  );
  for (const { certificate } of rows) {
    const verified = verifyCertificate(certificate, hub);
    if (!verified) {
      rejected.push(String((certificate as { subject?: { keyId?: unknown } }).subject?.keyId));
      continue;
    }
    // A renewed certificate certifies the same key for longer: the key is valid over their union.
    const known = trust.lookup(verified.subject.partyId, verified.subject.keyId);
    trust.trust({
      identity: verified.subject,
      validFrom: Math.min(
        Date.parse(verified.certificate.notBefore),
        known?.validFrom ?? Number.POSITIVE_INFINITY,
      ),
      validUntil: Math.max(Date.parse(verified.certificate.notAfter), known?.validUntil ?? 0),
    });
  }
  const revocations = await loadRevocations(db);
  trust.applyRevocations(revocations.serial, revocations.entries);
  return { trust, rejected };
}

/**
 * The revocations in force. A revoked mission with no explicit key revocation has its keys
 * retired at the time of revocation: what it signed before still counts, nothing after.
 */
async function loadRevocations(db: Queryable): Promise<{ serial: number; entries: RevocationEntry[] }> {
  const rows = await db.query<RevocationRow>(
    `SELECT mission_id, key_id, reason, revoked_at, serial, last_seq FROM key_revocations
     UNION ALL
     SELECT c.mission_id, c.key_id, 'retired', m.revoked_at, 0, NULL
       FROM mission_certificates c JOIN missions m ON m.id = c.mission_id
      WHERE m.revoked_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM key_revocations r WHERE r.key_id = c.key_id)`,
  );
  const entries = rows.map((row) => ({
    partyId: row.mission_id,
    keyId: row.key_id,
    reason: row.reason,
    revokedAt: row.revoked_at.toISOString(),
    ...(row.reason === 'superseded' && row.last_seq !== null ? { lastSeq: Number(row.last_seq) } : {}),
  }));
  return { serial: Math.max(0, ...rows.map((row) => row.serial)), entries };
}
