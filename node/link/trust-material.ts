import { CodedError } from '../../common/errors/coded-error.js';
import {
  type Certificate,
  type EnrolmentBundle,
  enrolmentBundleSchema,
  type Identity,
  type PublicIdentity,
  publicIdentityFromJson,
  type RevocationList,
  revocationListSchema,
  TrustStore,
  verifyCertificate,
  verifyRevocationList,
} from '../../protocol/index.js';
import type { Store } from '../db/store.js';

const BUNDLE_SETTING = 'link.enrolment';
const REVOCATIONS_SETTING = 'link.revocation_list';

/** The node's trust: the pinned hub, its own certificate, and the revocation list in force. */
export interface TrustMaterial {
  readonly hub: PublicIdentity;
  readonly certificate: Certificate;
  readonly trust: TrustStore;
}

/** Why an enrolment bundle was refused. */
export class EnrolmentError extends CodedError<'enrolment_invalid'> {
  override readonly name = 'EnrolmentError';

  constructor(message: string) {
    super('enrolment_invalid', message);
  }
}

/**
 * Checks the hub's enrolment bundle against this node's identity and pins the hub's keys. The
 * bundle must certify exactly our keys, signed by the hub it names.
 */
export function importEnrolment(store: Store, self: Identity, input: unknown): TrustMaterial {
  const parsed = enrolmentBundleSchema.safeParse(input);
  if (!parsed.success) throw new EnrolmentError('not an enrolment bundle');
  const bundle = parsed.data;
  const hub = publicIdentityFromJson(bundle.hub);
  const verified = verifyCertificate(bundle.certificate, hub);
  if (!verified) throw new EnrolmentError('the certificate is not signed by the hub named in the bundle');
  if (verified.subject.keyId !== self.keyId || verified.subject.partyId !== self.partyId) {
    throw new EnrolmentError('the certificate is for other keys than this node’s');
  }
  if (!verifyRevocationList(bundle.revocationList, hub))
    throw new EnrolmentError('the revocation list is not the hub’s');
  putSetting(store, BUNDLE_SETTING, JSON.stringify(bundle));
  putSetting(store, REVOCATIONS_SETTING, JSON.stringify(bundle.revocationList));
  const material = loadTrustMaterial(store);
  if (!material) throw new EnrolmentError('enrolment could not be stored');
  return material;
}

/**
 * Puts a renewed certificate in force: it must be signed by the pinned hub and certify exactly our
 * keys. Returns false (and changes nothing) otherwise, or when it is not newer than the one held.
 */
export function renewCertificateFrom(
  store: Store,
  self: Identity,
  hub: PublicIdentity,
  certificate: unknown,
): boolean {
  const verified = verifyCertificate(certificate, hub);
  const stored = getSetting(store, BUNDLE_SETTING);
  if (!verified || !stored || verified.subject.keyId !== self.keyId) return false;
  const bundle = JSON.parse(stored) as EnrolmentBundle;
  if (verified.certificate.serial <= bundle.certificate.serial) return false;
  putSetting(store, BUNDLE_SETTING, JSON.stringify({ ...bundle, certificate: verified.certificate }));
  return true;
}

/**
 * Stores a certificate as the one in force, for a key a rotation brings in: the caller verified it
 * against the pinned hub and the rotation under way (node/link/key-rotation.ts).
 */
export function putCertificate(store: Store, certificate: Certificate): void {
  const stored = getSetting(store, BUNDLE_SETTING);
  if (!stored) throw new EnrolmentError('not enrolled: no certificate to replace');
  const bundle = JSON.parse(stored) as EnrolmentBundle;
  putSetting(store, BUNDLE_SETTING, JSON.stringify({ ...bundle, certificate }));
}

/** The key id the stored certificate certifies, read without parsing the whole bundle. */
export function certifiedKeyId(db: Store['db']): string | undefined {
  const row = db
    .prepare("SELECT json_extract(value, '$.certificate.subject.keyId') AS keyId FROM settings WHERE key = ?")
    .get(BUNDLE_SETTING) as { keyId: string | null } | undefined;
  return row?.keyId ?? undefined;
}

/** The stored trust material, or null when the node is not enrolled yet. */
export function loadTrustMaterial(store: Store): TrustMaterial | null {
  const stored = getSetting(store, BUNDLE_SETTING);
  if (!stored) return null;
  const bundle = JSON.parse(stored) as EnrolmentBundle;
  const hub = publicIdentityFromJson(bundle.hub);
  const trust = new TrustStore();
  // The hub's keys are pinned without an end: a node that was away for months still trusts the
  // hub it enrolled with; rotation of the hub key is an explicit re-enrolment.
  trust.trust({ identity: hub, validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  const revocations = revocationListSchema.safeParse(
    JSON.parse(getSetting(store, REVOCATIONS_SETTING) ?? 'null'),
  );
  if (revocations.success) trust.applyRevocations(revocations.data.serial, revocations.data.entries);
  return { hub, certificate: bundle.certificate, trust };
}

/** The revocation list in force, if any. */
export function currentRevocationList(store: Store): RevocationList | null {
  const parsed = revocationListSchema.safeParse(JSON.parse(getSetting(store, REVOCATIONS_SETTING) ?? 'null'));
  return parsed.success ? parsed.data : null;
}

function getSetting(store: Store, key: string): string | undefined {
  return (
    store.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
  )?.value;
}

function putSetting(store: Store, key: string, value: string): void {
  store.db
    .prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(key, value, new Date().toISOString());
}
