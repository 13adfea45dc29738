import { z } from 'zod';
import {
  type Certificate,
  createKeyRotationRequest,
  type Identity,
  KEY_ROTATION,
  type KeyRotationRequest,
  verifyCertificate,
} from '../../protocol/index.js';
import type { Db } from '../db/db.js';
import type { Store } from '../db/store.js';
import { immediateTransaction } from '../db/transaction.js';
import { enqueueMessage, pendingCount } from '../services/outbox/pending-messages.js';
import type { LinkContext } from './link-context.js';
import { channelRow } from './link-store.js';
import { certifiedKeyId, putCertificate } from './trust-material.js';

const SETTING = 'link.key_rotation';

const pendingSchema = z.strictObject({
  /** Key id of the new identity, kept in keys/identity.next.key until it is put in force. */
  nextKeyId: z.string().regex(/^[0-9a-f]{32}$/),
  /** The sequence of the rotation request, the last the old key seals; the hub refuses any later. */
  lastSeq: z.int().min(0),
  startedAt: z.iso.datetime(),
  /** Set once the hub's certificate for the new key is stored: what is left is the key files. */
  certified: z.boolean().optional(),
});

/** A rotation asked for and not yet in force. */
export type PendingRotation = z.infer<typeof pendingSchema>;

/**
 * Starts replacing the node's key, in one immediate transaction (a running node's sender cannot
 * seal in between): the rotation request, signed by both keys, is queued as the last message the
 * old key seals — after the messages already waiting — and its sequence recorded as the boundary.
 * The same request goes on paper when the link is down (`hub enrol --rotate`). The new key must be
 * on disk before this is called.
 */
export function beginRotation(
  store: Store,
  current: Identity,
  next: Identity,
  missionName: string,
  now: Date,
): { pending: PendingRotation; request: KeyRotationRequest } {
  return immediateTransaction(store.db, () => {
    // The queue is sealed first, one sequence each, in order: the request takes the one after it.
    const lastSeq = channelRow(store.db).next_send_seq + pendingCount(store);
    const request = createKeyRotationRequest(current, next, missionName, now, lastSeq);
    enqueueMessage(store, KEY_ROTATION, { rotation: request });
    const pending: PendingRotation = { nextKeyId: next.keyId, lastSeq, startedAt: now.toISOString() };
    putPending(store.db, pending);
    return { pending, request };
  });
}

/** The rotation under way, if any. */
export function pendingRotation(db: Db): PendingRotation | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING) as
    | { value: string }
    | undefined;
  if (!row) return null;
  const parsed = pendingSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : null;
}

/**
 * Takes the hub's certificate for the new key (a certificate.renewal answering key.rotation), in
 * the receiving transaction: stored as the certificate in force, the rotation marked certified,
 * the new key used by the link. The key files are swapped after commit (key-files.ts). Returns
 * false, changing nothing, when it is not the certificate of the rotation under way.
 */
export function acceptRotatedCertificate(ctx: LinkContext, certificate: unknown): boolean {
  const pending = pendingRotation(ctx.store.db);
  const verified = verifyCertificate(certificate, ctx.hub);
  if (!pending || !verified || verified.subject.keyId !== pending.nextKeyId) return false;
  if (verified.subject.partyId !== ctx.self.partyId) return false;
  putCertificate(ctx.store, verified.certificate as Certificate);
  putPending(ctx.store.db, { ...pending, certified: true });
  // The link answers this very message, and seals from now on, with the new key: the hub refuses
  // the old one already (key_superseded). Its files are swapped once this commits.
  const next = ctx.nextIdentity?.();
  if (next?.keyId === pending.nextKeyId) Object.assign(ctx, { self: next });
  return true;
}

/**
 * Whether the link may seal sequence `seq` with `self`: not when `self` is no longer the certified
 * key (a rotation imported by hand while the node runs: it seals again once restarted with the
 * new key), nor past the rotation request while a rotation is under way.
 */
export function maySeal(db: Db, self: Identity, seq: number): boolean {
  const certified = certifiedKeyId(db);
  if (certified !== undefined && certified !== self.keyId) return false;
  const rotation = pendingRotation(db);
  // Once certified, the new key (checked above to be `self`) seals on; its files follow.
  return !rotation || rotation.certified === true || seq <= rotation.lastSeq;
}

/** The new key is in force: the sender seals again, with it. */
export function endRotation(db: Db): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(SETTING);
}

function putPending(db: Db, pending: PendingRotation): void {
  db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(SETTING, JSON.stringify(pending), new Date().toISOString());
}
