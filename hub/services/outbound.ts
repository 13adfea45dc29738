import {
  type Identity,
  type MessageBody,
  type MessageType,
  type PublicIdentity,
  seal,
} from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/**
 * Numbers a hub → mission message on the mission's channel and keeps its sealed bytes until the
 * mission acknowledges them. `sealAt` seals with the sequence given; called inside the caller's
 * transaction so that the number and the stored envelope commit together. Returns the sequence.
 */
export async function holdOutbound(
  tx: Queryable,
  missionId: string,
  type: MessageType,
  sealAt: (seq: number) => Uint8Array,
  body?: unknown,
  recipientKeyId?: string,
): Promise<number> {
  const [row] = await tx.query<{ seq: number }>(
    `UPDATE channels SET next_send_seq = next_send_seq + 1, updated_at = now()
      WHERE mission_id = $1 RETURNING next_send_seq - 1 AS seq`,
    [missionId],
  );
  if (!row) throw new TypeError(`no channel for mission ${missionId}`);
  // The body is kept beside the envelope so that a hub restored from a dump can seal it again under
  // a sequence the mission has not used (PROTOCOL.md, "Going back in time").
  await tx.query(
    `INSERT INTO outbound (mission_id, seq, type, envelope, body, recipient_key_id)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [
      missionId,
      row.seq,
      type,
      sealAt(row.seq),
      body === undefined ? null : JSON.stringify(body),
      recipientKeyId ?? null,
    ],
  );
  return row.seq;
}

/**
 * A cumulative acknowledgement from the mission: every envelope up to `upTo` is applied there. An
 * acknowledgement beyond the last sequence the hub sealed cannot be true of this hub's channel (the
 * hub went back in time: a restored dump); it is ignored, and the mission's hello repairs the channel.
 */
export async function acknowledgeOutbound(
  tx: Queryable,
  missionId: string,
  upTo: number,
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE outbound SET acked_at = $3 WHERE mission_id = $1 AND seq <= $2 AND acked_at IS NULL
       AND $2 < (SELECT next_send_seq FROM channels WHERE mission_id = $1)`,
    [missionId, upTo, at],
  );
}

/**
 * The envelopes kept from `from` on, acknowledged or not, in order: for a mission that went back in
 * time and asks again for what it had already applied once. They count as unacknowledged again.
 */
export async function keptFrom(tx: Queryable, missionId: string, from: number): Promise<Uint8Array[]> {
  await tx.query('UPDATE outbound SET acked_at = NULL WHERE mission_id = $1 AND seq >= $2', [
    missionId,
    from,
  ]);
  return unacknowledgedFrom(tx, missionId, from);
}

/** Deletes envelopes acknowledged before `before`: past the retention period; returns how many. */
export async function pruneAcknowledgedOutbound(db: Queryable, before: Date): Promise<number> {
  const rows = await db.query<{ n: number | string }>(
    `WITH gone AS (DELETE FROM outbound WHERE acked_at < $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
    [before],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The unacknowledged envelopes from `from` on, in order: the very bytes first sent. */
export async function unacknowledgedFrom(
  tx: Queryable,
  missionId: string,
  from: number,
): Promise<Uint8Array[]> {
  const rows = await tx.query<{ envelope: Uint8Array }>(
    `SELECT envelope FROM outbound WHERE mission_id = $1 AND seq >= $2 AND acked_at IS NULL
      ORDER BY seq`,
    [missionId, from],
  );
  return rows.map((row) => row.envelope);
}

/**
 * Seals a hub → mission message with the next sequence of the mission's channel and holds it, in
 * the caller's transaction; returns the envelope to publish once committed.
 */
export async function sealAndHold<T extends MessageType>(
  tx: Queryable,
  hub: Identity,
  recipient: PublicIdentity,
  type: T,
  body: MessageBody<T>,
  timestamp: number,
): Promise<{ seq: number; envelope: Uint8Array }> {
  const [held] = await sealAndHoldAll(tx, hub, [{ recipient, type, body, timestamp }]);
  if (!held) throw new TypeError('nothing held');
  return held;
}

/** A hub → mission message to seal and hold. */
export interface ToHold<T extends MessageType = MessageType> {
  readonly recipient: PublicIdentity;
  readonly type: T;
  readonly body: MessageBody<T>;
  readonly timestamp: number;
}

/**
 * Seals and holds messages as {@link sealAndHold} does, in two statements however many they are
 * (each mission's sequences taken at once, then every envelope written): a reconciliation's
 * transaction holds fifty registry results, which one at a time cost a quarter of its time. Each
 * mission's messages take its sequences in the order given. Returns them in that order.
 */
export async function sealAndHoldAll(
  tx: Queryable,
  hub: Identity,
  messages: readonly ToHold[],
): Promise<Array<{ readonly missionId: string; readonly seq: number; readonly envelope: Uint8Array }>> {
  if (messages.length === 0) return [];
  const counts = new Map<string, number>();
  for (const { recipient } of messages)
    counts.set(recipient.partyId, (counts.get(recipient.partyId) ?? 0) + 1);
  const taken = await tx.query<{ mission_id: string; first: number | string }>(
    `UPDATE channels c SET next_send_seq = c.next_send_seq + n.count, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS n(mission_id text, count integer)
      WHERE c.mission_id = n.mission_id
      RETURNING c.mission_id, c.next_send_seq - n.count AS first`,
    [JSON.stringify([...counts].map(([mission_id, count]) => ({ mission_id, count })))],
  );
  const next = new Map(taken.map((row) => [row.mission_id, Number(row.first)]));
  const held = messages.map(({ recipient, type, body, timestamp }) => {
    const missionId = recipient.partyId;
    const seq = next.get(missionId);
    if (seq === undefined) throw new TypeError(`no channel for mission ${missionId}`);
    next.set(missionId, seq + 1);
    const envelope = seal({ sender: hub, recipient, type, body, seq, timestamp } as Parameters<
      typeof seal
    >[0]);
    return { missionId, seq, envelope };
  });
  // The body is kept beside the envelope so that a hub restored from a dump can seal it again under
  // a sequence the mission has not used (PROTOCOL.md, "Going back in time").
  await tx.query(
    `INSERT INTO outbound (mission_id, seq, type, envelope, body, recipient_key_id)
     SELECT r.mission_id, r.seq, r.type, decode(r.envelope, 'hex'), r.body, r.recipient_key_id
       FROM jsonb_to_recordset($1::jsonb)
         AS r(mission_id text, seq bigint, type text, envelope text, body jsonb, recipient_key_id text)`,
    [
      JSON.stringify(
        messages.map((message, index) => {
          const one = held[index] as (typeof held)[number];
          return {
            mission_id: one.missionId,
            seq: one.seq,
            type: message.type,
            envelope: Buffer.from(one.envelope).toString('hex'),
            body: message.body,
            recipient_key_id: message.recipient.keyId,
          };
        }),
      ),
    ],
  );
  return held;
}

/**
 * The envelopes kept from `from` on that were sealed to another key of the mission than
 * `recipient`'s: a mission restored from a backup taken before a key rotation asks again for what
 * the hub sealed to its old key, which its new key cannot open. Each is sealed again to the key in
 * force, under the same sequence, from the body kept beside it. Returns how many.
 */
export async function resealToKeyInForce(
  tx: Queryable,
  hub: Identity,
  recipient: PublicIdentity,
  from: number,
  timestamp: number,
): Promise<number> {
  const rows = await tx.query<{ seq: number | string; type: MessageType; body: unknown }>(
    `SELECT seq, type, body FROM outbound
      WHERE mission_id = $1 AND seq >= $2 AND body IS NOT NULL
        AND recipient_key_id IS NOT NULL AND recipient_key_id <> $3
      ORDER BY seq`,
    [recipient.partyId, from, recipient.keyId],
  );
  for (const row of rows) {
    const seq = Number(row.seq);
    const body = row.body as MessageBody<typeof row.type>;
    const envelope = seal({ sender: hub, recipient, type: row.type, body, seq, timestamp });
    await tx.query(
      'UPDATE outbound SET envelope = $3, recipient_key_id = $4 WHERE mission_id = $1 AND seq = $2',
      [recipient.partyId, seq, envelope, recipient.keyId],
    );
  }
  return rows.length;
}
