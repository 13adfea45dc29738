import {
  type ACK,
  EVENTS_BATCH,
  type HELLO,
  type MessageBody,
  type MessageType,
  OFFSITE_MANIFEST,
  type RESEND_REQUEST,
  seal,
  WIRE_VERSION,
} from '../../protocol/index.js';
import { immediateTransaction, transaction } from '../db/transaction.js';
import { markDelivered, outboxBacklog, readBatch } from '../services/outbox/outbox.js';
import {
  firstPending,
  pendingCount,
  removePending,
  sealSentBody,
} from '../services/outbox/pending-messages.js';
import { copyRecords, sealRecordCopies } from '../services/recovery/record-copies.js';
import { backlogAfter } from './backlog-report.js';
import { maySeal } from './key-rotation.js';
import type { LinkContext } from './link-context.js';
import { channelRow, type HeldEnvelope, HUB_PEER, nextControlTimestamp } from './link-store.js';
import { loadTrustMaterial } from './trust-material.js';

/**
 * Seals the next message for the hub — the oldest pending message, else the next batch of outbox
 * events — and holds it, all in one transaction: a crash leaves either nothing or an envelope
 * that will be sent (again) on the next connection. Returns null when nothing waits.
 *
 * What it seals is on disk before it is sent: the transaction commits with synchronous=FULL,
 * flushing the whole WAL, events of a group commit whose own flush is still under way included.
 */
export function sealNext(ctx: LinkContext): HeldEnvelope | null {
  const { db } = ctx.store;
  return immediateTransaction(db, (): HeldEnvelope | null => {
    const row = channelRow(db);
    // A key being replaced seals nothing after its rotation request, nor a key no longer the
    // certified one: the hub would refuse it (key_superseded) and the channel would jam.
    if (!maySeal(db, ctx.self, row.next_send_seq)) return null;
    const seq = row.next_send_seq;
    const pending = firstPending(ctx.store);
    if (pending) {
      // A manifest goes as the mission signed it: a backlog added would break its signature.
      const body =
        pending.type === OFFSITE_MANIFEST
          ? pending.body
          : { ...(pending.body as object), backlog: backlogAfter(ctx.store, row.sealed_outbox_seq) };
      const envelope = sealSequenced(ctx, pending.type, body as MessageBody<typeof pending.type>, seq);
      hold(ctx, { seq, type: pending.type, envelope }, null, pending.body);
      removePending(ctx.store, pending.id);
      return { seq, type: pending.type, envelope };
    }
    const items = readBatch(ctx.store, {
      limit: ctx.batch.maxEvents,
      maxBytes: ctx.batch.maxBytes,
      afterSeq: row.sealed_outbox_seq,
    });
    const last = items.at(-1);
    if (!last) return null;
    const backlog = backlogAfter(ctx.store, last.seq);
    const events = items.map((item) => item.event);
    // The records these events changed, sealed for this mission alone: the hub keeps them for a
    // restore from an older backup (PROTOCOL.md, "Going back in time").
    const records = sealRecordCopies(ctx.store, copyRecords(ctx.store, events));
    const envelope = sealSequenced(
      ctx,
      EVENTS_BATCH,
      { events, backlog, ...(records === undefined ? {} : { records }) },
      seq,
    );
    hold(ctx, { seq, type: EVENTS_BATCH, envelope }, last.seq);
    db.prepare('UPDATE link_channel SET sealed_outbox_seq = ? WHERE peer = ?').run(last.seq, HUB_PEER);
    return { seq, type: EVENTS_BATCH, envelope };
  });
}

function sealSequenced<T extends MessageType>(
  ctx: LinkContext,
  type: T,
  body: MessageBody<T>,
  seq: number,
): Uint8Array {
  // Never older than our last control message: the hub takes a hello older than the envelope it
  // applied last for a stale one, not for a node gone back in time (hub/services/channels/resync-up.ts).
  const timestamp = Math.max(ctx.now(), channelRow(ctx.store.db).last_sent_control_at);
  return seal({ sender: ctx.self, recipient: ctx.hub, type, body, seq, timestamp });
}

function hold(ctx: LinkContext, held: HeldEnvelope, outboxUpTo: number | null, body?: unknown): void {
  const { db } = ctx.store;
  // A non-event message keeps its body, so that a resync can number it again (resync.ts); an
  // events batch is numbered again from the outbox.
  const kept = body === undefined ? null : sealSentBody(ctx.store, held.seq, body);
  db.prepare(
    'INSERT INTO link_sent (seq, type, envelope, outbox_up_to, sealed_at, body) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(held.seq, held.type, held.envelope, outboxUpTo, new Date(ctx.now()).toISOString(), kept);
  db.prepare('UPDATE link_channel SET next_send_seq = ? WHERE peer = ?').run(held.seq + 1, HUB_PEER);
}

/**
 * The hub applied everything up to `upTo`: stop waiting for those envelopes (they are kept for the
 * retention period, for a hub restored from an older dump) and mark their events delivered.
 * Cumulative and idempotent, so a replayed or late acknowledgement changes nothing.
 */
export function acknowledge(ctx: LinkContext, upTo: number): void {
  const { db } = ctx.store;
  transaction(db, () => {
    const covered = db.prepare('SELECT max(outbox_up_to) AS up FROM link_sent WHERE seq <= ?').get(upTo) as {
      up: number | null;
    };
    const at = new Date(ctx.now()).toISOString();
    if (covered.up !== null) markDelivered(ctx.store, covered.up, at);
    db.prepare('UPDATE link_sent SET acked_at = ? WHERE seq <= ? AND acked_at IS NULL').run(at, upTo);
    db.prepare('UPDATE link_channel SET acked_up_to = max(acked_up_to, ?) WHERE peer = ?').run(
      upTo,
      HUB_PEER,
    );
  });
}

/** Seals a control message (sequence 0, strictly increasing timestamp). */
export function sealControl<T extends typeof HELLO | typeof ACK | typeof RESEND_REQUEST>(
  ctx: LinkContext,
  type: T,
  body: MessageBody<T>,
): Uint8Array {
  const timestamp = nextControlTimestamp(ctx.store.db, ctx.now());
  return seal({ sender: ctx.self, recipient: ctx.hub, type, body, seq: 0, timestamp });
}

/** The hello a node sends on every connection. */
export function sealHello(ctx: LinkContext): Uint8Array {
  const backlog = outboxBacklog(ctx.store);
  const row = channelRow(ctx.store.db);
  // The hub seals its newer certificate again when this one is older (a database restored from
  // before a key rotation): until then this node's key is not the certified one and seals nothing.
  const certificate = loadTrustMaterial(ctx.store)?.certificate;
  return sealControl(ctx, 'hello', {
    softwareVersion: ctx.softwareVersion,
    protocolVersion: WIRE_VERSION,
    backlog: {
      events: backlog.count + pendingCount(ctx.store),
      ...(backlog.oldestAt ? { oldestAt: backlog.oldestAt } : {}),
    },
    receivedUpTo: row.applied_up_to,
    sentUpTo: row.next_send_seq - 1,
    ackedUpTo: row.acked_up_to,
    ...(row.applied_last_id ? { receivedLastId: row.applied_last_id } : {}),
    ...(row.restored === 1 ? { restored: true as const } : {}),
    ...(certificate ? { certificateSerial: certificate.serial } : {}),
  });
}
