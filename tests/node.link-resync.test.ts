import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downHandlers } from '../node/link/handlers/index.js';
import type { LinkContext } from '../node/link/link-context.js';
import { channelRow, heldCount } from '../node/link/link-store.js';
import { receiveFromHub } from '../node/link/receiver.js';
import { sealNext } from '../node/link/sender.js';
import { importEnrolment } from '../node/link/trust-material.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { enqueueMessage, firstPending } from '../node/services/outbox/pending-messages.js';
import {
  decodeHeader,
  Identity,
  type MessageBody,
  type MessageType,
  ready,
  seal,
} from '../protocol/index.js';
import { enrolmentBundleFor, testLinkContext } from './_util/enrolment.js';
import { fileOpenedData } from './_util/event-data.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

/** A node's link state and a hub that seals control messages to it, each newer than the last. */
async function setUp() {
  const hub = Identity.generate('hub');
  const mission = Identity.generate('fr-paris');
  temp = await openTempStore();
  const material = importEnrolment(temp.store, mission, enrolmentBundleFor(hub, mission));
  const ctx = testLinkContext(temp.store, mission, material);
  let clock = Date.now();
  const fromHub = <T extends MessageType>(type: T, body: MessageBody<T>) =>
    receiveFromHub(
      ctx,
      seal({ sender: hub, recipient: mission.toPublic(), type, body, seq: 0, timestamp: ++clock }),
      downHandlers(),
    );
  return { ctx, fromHub };
}

function queueEvents(ctx: LinkContext, count: number): void {
  for (let i = 0; i < count; i++) {
    appendEvent(
      ctx.store,
      newEvent({ kind: 'file.opened', entity: 'file', entityId: `f-${i}`, data: fileOpenedData({ i }) }),
    );
  }
}

const receipt = (directiveId: string) => ({ directiveId, receivedAt: new Date().toISOString() });
const undelivered = (ctx: LinkContext) =>
  (ctx.store.db.prepare('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL').get() as { n: number })
    .n;

describe('a node told by the hub that its channel went back in time', () => {
  beforeAll(ready);

  it('numbers again from upFrom what the hub never acknowledged, receipts first and in order', async () => {
    const { ctx, fromHub } = await setUp();
    const [first, second] = [crypto.randomUUID(), crypto.randomUUID()];
    enqueueMessage(ctx.store, 'directive.receipt', receipt(first));
    queueEvents(ctx, 3);
    expect(sealNext(ctx)?.seq).toBe(1);
    expect(sealNext(ctx)?.seq).toBe(2);
    enqueueMessage(ctx.store, 'directive.receipt', receipt(second));
    expect(heldCount(ctx.store.db)).toBe(2);

    const taken = fromHub('channel.resync', { upFrom: 1005, recovered: 0 });
    expect(taken.replies).toEqual([]);
    // Nothing was taken for delivered; the held envelopes are gone, their content queued again.
    expect(heldCount(ctx.store.db)).toBe(0);
    expect(undelivered(ctx)).toBe(3);
    expect(channelRow(ctx.store.db)).toMatchObject({
      next_send_seq: 1005,
      acked_up_to: 1004,
      sealed_outbox_seq: 0,
    });
    expect(firstPending(ctx.store)?.body).toMatchObject({ directiveId: first });
    const audit = ctx.store.db.prepare(`SELECT actor FROM audit_log WHERE action = 'link.resynced'`).all();
    expect(audit).toEqual([{ actor: 'system:link' }]);

    const renumbered = [sealNext(ctx), sealNext(ctx), sealNext(ctx)];
    expect(renumbered.map((held) => [held?.seq, held?.type])).toEqual([
      [1005, 'directive.receipt'],
      [1006, 'directive.receipt'],
      [1007, 'events.batch'],
    ]);
    // The hub repeats the resync until it applies 1005: taken once only.
    fromHub('channel.resync', { upFrom: 1005, recovered: 0 });
    expect(channelRow(ctx.store.db).next_send_seq).toBe(1008);
    expect(heldCount(ctx.store.db)).toBe(3);
  });

  it('takes no acknowledgement of more than it ever sealed, and answers with its positions', async () => {
    const { ctx, fromHub } = await setUp();
    queueEvents(ctx, 2);
    sealNext(ctx);
    for (const answer of [
      fromHub('ack', { upTo: 40 }),
      fromHub('resend.request', { from: 41 }),
      fromHub('hello', {
        softwareVersion: 'hub',
        protocolVersion: 1,
        backlog: { events: 0 },
        receivedUpTo: 40,
      }),
    ]) {
      const sent = answer.replies.map((bytes) => decodeHeader(bytes));
      expect(sent.map((header) => header.ok && header.header.type)).toEqual(['hello']);
    }
    expect(heldCount(ctx.store.db)).toBe(1);
    expect(undelivered(ctx)).toBe(2);
  });

  it('sends again the envelopes it kept to a hub that lost them, acknowledged or not', async () => {
    const { ctx, fromHub } = await setUp();
    for (let i = 0; i < 3; i++) {
      queueEvents(ctx, 1);
      sealNext(ctx);
    }
    fromHub('ack', { upTo: 3 });
    expect(heldCount(ctx.store.db)).toBe(0);
    const asked = fromHub('resend.request', { from: 2 });
    const seqs = asked.resend
      .map((bytes) => decodeHeader(bytes))
      .map((header) => header.ok && header.header.seq);
    expect(seqs).toEqual([2, 3]);
  });

  it('takes up its down channel where the hub re-issues the state in force, never backwards', async () => {
    const { ctx, fromHub } = await setUp();
    fromHub('channel.resync', { downFrom: 10, recovered: 4 });
    expect(channelRow(ctx.store.db).applied_up_to).toBe(9);
    fromHub('channel.resync', { downFrom: 5, recovered: 4 });
    expect(channelRow(ctx.store.db).applied_up_to).toBe(9);
  });
});
