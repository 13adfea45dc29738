import type { ChannelResync } from '../../protocol/index.js';
import { digestRecord } from '../services/audit/audit-hash.js';
import { appendAudit } from '../services/audit/audit-log.js';
import { openSentBody, type PendingType, requeueFirst } from '../services/outbox/pending-messages.js';
import type { LinkContext } from './link-context.js';
import { channelRow, HUB_PEER } from './link-store.js';

interface UnackedRow {
  seq: number;
  type: string;
  body: Uint8Array | null;
}

/**
 * Takes the hub's `channel.resync` (PROTOCOL.md, "Going back in time"): the node went back in time,
 * and the sequences it would use next were already applied by the hub for other messages. In the
 * receiving transaction: the envelopes the hub never acknowledged are forgotten without marking
 * anything delivered, the non-event messages they held go back to the head of the queue in their
 * order, the outbox is rewound to the first event not yet delivered, and numbering goes on from
 * `upFrom`. The hub holds replicas by the mission's ids, so what it already had is not doubled.
 * A resync already taken (the hub repeats it until it applies `upFrom`) changes nothing; nor does
 * one that would move the down channel back. Returns whether it moved the channel.
 */
export function takeResync(ctx: LinkContext, resync: ChannelResync): boolean {
  const movedDown = resync.downFrom !== undefined && takeDownFrom(ctx, resync.downFrom);
  const movedUp = resync.upFrom !== undefined && renumberUp(ctx, resync.upFrom, resync.recovered);
  return movedDown || movedUp;
}

/**
 * The hub no longer keeps the messages this node asked for (it went back further than the hub's
 * retention): the hub sends the state in force again from `downFrom`, and the node takes up there.
 * Only forward: an old resync replayed cannot move the channel back.
 */
function takeDownFrom(ctx: LinkContext, downFrom: number): boolean {
  return (
    ctx.store.db
      .prepare(
        `UPDATE link_channel SET applied_up_to = ?, applied_last_id = NULL WHERE peer = ? AND applied_up_to < ?`,
      )
      .run(downFrom - 1, HUB_PEER, downFrom - 1).changes === 1
  );
}

function renumberUp(ctx: LinkContext, upFrom: number, recovered: number): boolean {
  const { store } = ctx;
  const { db } = store;
  const row = channelRow(db);
  if (row.next_send_seq >= upFrom) return false;
  const unacked = db
    .prepare('SELECT seq, type, body FROM link_sent WHERE acked_at IS NULL ORDER BY seq')
    .all() as UnackedRow[];
  requeueFirst(
    store,
    unacked
      .filter((sent) => sent.body !== null)
      .map((sent) => ({
        type: sent.type as PendingType,
        body: openSentBody(store, sent.seq, sent.body as Uint8Array),
      })),
  );
  db.prepare('DELETE FROM link_sent WHERE acked_at IS NULL').run();
  const first = db.prepare('SELECT min(seq) AS seq FROM outbox WHERE delivered_at IS NULL').get() as {
    seq: number | null;
  };
  const rewoundTo = first.seq === null ? row.sealed_outbox_seq : first.seq - 1;
  db.prepare(
    `UPDATE link_channel SET next_send_seq = ?, acked_up_to = ?, sealed_outbox_seq = ?, restored = 0
      WHERE peer = ?`,
  ).run(upFrom, upFrom - 1, rewoundTo, HUB_PEER);
  const at = new Date(ctx.now()).toISOString();
  // The IT referent and the auditor see when the channel was renumbered and what came back.
  appendAudit(db, {
    actor: 'system:link',
    action: 'link.resynced',
    entity: 'link_channel',
    entityId: HUB_PEER,
    afterDigest: digestRecord(store.keys.audit, {
      previousNextSeq: row.next_send_seq,
      upFrom,
      renumbered: unacked.length,
      recovered,
    }),
    at,
  });
  return true;
}
