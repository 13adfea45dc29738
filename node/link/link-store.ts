import type { ReceiveState } from '../../protocol/index.js';
import type { Db } from '../db/db.js';

/** The peer of every mission channel. */
export const HUB_PEER = 'hub';

/** Both directions' positions of the channel with the hub. */
export interface ChannelRow {
  next_send_seq: number;
  sealed_outbox_seq: number;
  last_sent_control_at: number;
  applied_up_to: number;
  last_control_at: number;
  acked_up_to: number;
  /** 1 after `node restore`, until the hub has resynchronised the channel. */
  restored: number;
  /** The message id of the last envelope applied from the hub. */
  applied_last_id: string | null;
}

/** Reads the channel row, creating it on first use. */
export function channelRow(db: Db): ChannelRow {
  db.prepare('INSERT OR IGNORE INTO link_channel (peer) VALUES (?)').run(HUB_PEER);
  return db.prepare('SELECT * FROM link_channel WHERE peer = ?').get(HUB_PEER) as ChannelRow;
}

/**
 * The receive state open() consults, read from SQLite at the moment of the call: better-sqlite3
 * is synchronous, so it is exact inside the transaction that applies the message.
 */
export function sqliteReceiveState(db: Db): ReceiveState {
  return {
    appliedUpTo: () => channelRow(db).applied_up_to,
    lastControlAt: () => channelRow(db).last_control_at,
  };
}

/** Advances the receiving position; call inside the transaction that applied the message. */
export function advanceApplied(db: Db, seq: number, messageId: string): void {
  const changed = db
    .prepare(
      'UPDATE link_channel SET applied_up_to = ?, applied_last_id = ? WHERE peer = ? AND applied_up_to = ?',
    )
    .run(seq, messageId, HUB_PEER, seq - 1).changes;
  // Never skip or repeat a sequence, whatever the caller believed.
  if (changed !== 1) throw new Error(`channel is not at ${seq - 1}: refusing to apply ${seq}`);
}

/** Remembers the newest control message taken from the hub. */
export function recordControl(db: Db, timestamp: number): void {
  db.prepare('UPDATE link_channel SET last_control_at = max(last_control_at, ?) WHERE peer = ?').run(
    timestamp,
    HUB_PEER,
  );
}

/** A strictly increasing timestamp for the next control message we send. */
export function nextControlTimestamp(db: Db, now: number): number {
  const row = channelRow(db);
  const at = Math.max(now, row.last_sent_control_at + 1);
  db.prepare('UPDATE link_channel SET last_sent_control_at = ? WHERE peer = ?').run(at, HUB_PEER);
  return at;
}

/** An envelope held until acknowledged. */
export interface HeldEnvelope {
  seq: number;
  type: string;
  envelope: Uint8Array;
}

/** Envelopes not yet acknowledged, from `fromSeq` on, in order. */
export function heldEnvelopes(db: Db, fromSeq = 1): HeldEnvelope[] {
  return db
    .prepare('SELECT seq, type, envelope FROM link_sent WHERE seq >= ? AND acked_at IS NULL ORDER BY seq')
    .all(fromSeq) as HeldEnvelope[];
}

/**
 * Envelopes kept from `fromSeq` on, acknowledged or not, in order: for a hub that asks again from
 * there, having gone back in time (a dump restored) or lost them in a crash.
 */
export function keptEnvelopes(db: Db, fromSeq: number): HeldEnvelope[] {
  return db
    .prepare('SELECT seq, type, envelope FROM link_sent WHERE seq >= ? ORDER BY seq')
    .all(fromSeq) as HeldEnvelope[];
}

/** How many envelopes wait for the hub's acknowledgement. */
export function heldCount(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM link_sent WHERE acked_at IS NULL').get() as { n: number }).n;
}
