import { z } from 'zod';
import type { Db } from '../db/db.js';
import { immediateTransaction } from '../db/transaction.js';
import { channelRow } from './link-store.js';

const SETTING = 'link.key_rotation';

const pendingSchema = z.strictObject({
  /** Key id of the new identity, kept in keys/identity.next.key until its certificate comes. */
  nextKeyId: z.string().regex(/^[0-9a-f]{32}$/),
  /** The last sequence the old key sealed: the hub refuses anything later sealed with it. */
  lastSeq: z.int().min(0),
  startedAt: z.iso.datetime(),
});

/** A rotation asked for and not yet certified. */
export type PendingRotation = z.infer<typeof pendingSchema>;

/**
 * Records that the key is being replaced, and from when: the old key seals nothing more for the
 * hub (the sender stops), so that nothing the hub will refuse as key_superseded is ever held. Run
 * in an immediate transaction, so a running node's sender cannot seal between the two.
 */
export function beginRotation(db: Db, nextKeyId: string, now: Date): PendingRotation {
  return immediateTransaction(db, () => {
    const pending = {
      nextKeyId,
      lastSeq: channelRow(db).next_send_seq - 1,
      startedAt: now.toISOString(),
    };
    db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(SETTING, JSON.stringify(pending), pending.startedAt);
    return pending;
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

/** The new key is certified and in force: the sender may seal again, with it. */
export function endRotation(db: Db): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(SETTING);
}
