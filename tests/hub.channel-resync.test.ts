import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import type { IngestContext } from '../hub/ingest/ingest-types.js';
import { pruneRecordCopies } from '../hub/services/channels/record-copies.js';
import {
  RECOVERED_COPY_CHARS,
  RECOVERED_PER_ENVELOPE,
  RESYNC_MARGIN,
  recoveredEnvelopes,
} from '../hub/services/channels/resync-up.js';
import { pruneAcknowledgedOutbound, sealAndHold } from '../hub/services/outbound.js';
import {
  ACK,
  CHANNEL_RESYNC,
  DIRECTIVE,
  type Directive,
  decodeHeader,
  EVENTS_BATCH,
  HELLO,
  type Hello,
  type Identity,
  RESEND_REQUEST,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { bookingEvents, enrolledHub, sealUp } from './_util/hub-fixtures.js';

/** The hub's side of a channel that went back in time, one hello at a time (PROTOCOL.md). */
describe.each(storeBackends('channel resync'))('channels going back in time, on $name', (backend) => {
  let store: TestStore;
  let hub: Identity;
  let mission: Identity;
  let context: () => IngestContext;
  let clock = Date.now();
  const ingest = (bytes: Uint8Array) => ingestEnvelope(store.db, bytes, context());
  // Each control message must be newer than the last the hub took.
  const hello = (body: Partial<Hello> & { receivedUpTo: number }) =>
    ingest(
      sealUp(
        mission,
        hub,
        HELLO,
        { softwareVersion: '0.1.0', protocolVersion: 1, backlog: { events: 0 }, ...body },
        0,
        ++clock,
      ),
    );
  const batch = (seq: number) => sealUp(mission, hub, EVENTS_BATCH, { events: bookingEvents(2) }, seq);
  const channel = async () =>
    (
      await store.db.query<Record<string, number | string | null>>(
        'SELECT applied_up_to, next_send_seq, resync_from FROM channels',
      )
    ).map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : Number(v)])),
    )[0];
  const sealDown = (directive: Directive) =>
    store.db.transaction((tx) => sealAndHold(tx, hub, mission.toPublic(), DIRECTIVE, directive, Date.now()));
  const outbound = async () =>
    (
      await store.db.query<{ seq: number | string; id: string | null; acked: boolean }>(
        `SELECT seq, body->>'directiveId' AS id, acked_at IS NOT NULL AS acked FROM outbound ORDER BY seq`,
      )
    ).map((row) => ({ seq: Number(row.seq), id: row.id, acked: row.acked }));

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub, mission, context } = await enrolledHub(store.db));
    // Hellos come after every envelope the tests seal (a mission back from a restore says hello later).
    clock = Date.now() + 60_000;
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('renumbers the up channel of a mission that went back, and never acknowledges its old numbers', async () => {
    for (const seq of [1, 2, 3, 4]) await ingest(batch(seq));
    // Restored from a backup taken after 2: the mission's next message would be numbered 3.
    const answer = await hello({ receivedUpTo: 0, sentUpTo: 2, ackedUpTo: 2 });
    const upFrom = 4 + 1 + RESYNC_MARGIN;
    expect(answer).toMatchObject({
      status: 'control',
      reply: { type: CHANNEL_RESYNC, body: { upFrom, recovered: 4 } },
    });
    expect(await channel()).toMatchObject({ applied_up_to: upFrom - 1, resync_from: upFrom });
    // Its new message 3, sealed before it took the resync: a duplicate, answered with the resync.
    expect(await ingest(batch(3))).toMatchObject({
      status: 'duplicate',
      reply: { type: CHANNEL_RESYNC, body: { upFrom } },
    });
    // A second hello before the mission took it: the same resync, not a new one.
    expect(await hello({ receivedUpTo: 0, sentUpTo: 2, ackedUpTo: 2 })).toMatchObject({
      reply: { type: CHANNEL_RESYNC, body: { upFrom, recovered: 0 } },
    });
    const applied = await ingest(batch(upFrom));
    expect(applied).toMatchObject({ status: 'applied', reply: { type: ACK, body: { upTo: upFrom } } });
    expect(await channel()).toMatchObject({ applied_up_to: upFrom, resync_from: null });
    const kinds = await store.db.query<{ kind: string }>('SELECT kind FROM channel_resyncs');
    expect(kinds.map((row) => row.kind)).toEqual(['node_behind']);
  });

  it('returns with the lost events the sealed record copies of their batches, and prunes the copies in time', async () => {
    const copies = ['Y29weSBvbmU=', 'Y29weSB0d28=', 'Y29weSB0aHJlZQ=='];
    for (const seq of [1, 2, 3]) {
      const records = copies[seq - 1];
      await ingest(sealUp(mission, hub, EVENTS_BATCH, { events: bookingEvents(2), records }, seq));
    }
    // A batch from an older node, without copies.
    await ingest(batch(4));
    const answer = await hello({ receivedUpTo: 0, sentUpTo: 1, ackedUpTo: 1 });
    expect(answer).toMatchObject({ reply: { type: CHANNEL_RESYNC, body: { recovered: 6 } } });
    const [recovered, ...more] = await store.db.query<{ body: { events: unknown[]; records?: string[] } }>(
      `SELECT body FROM outbound WHERE type = 'events.recovered' ORDER BY seq`,
    );
    expect(more).toEqual([]);
    expect(recovered?.body.events).toHaveLength(6);
    expect(recovered?.body.records).toEqual(copies.slice(1));
    // Past the retention period, the copies go (the events stay, for the dashboards).
    expect(await pruneRecordCopies(store.db, new Date(Date.now() - 86_400_000))).toBe(0);
    expect(await pruneRecordCopies(store.db, new Date(Date.now() + 86_400_000))).toBe(3);
  });
  it('seals its certificate again to a mission that holds an older one, once', async () => {
    const [row] = await store.db.query<{ serial: number | string }>(
      `SELECT certificate->>'serial' AS serial FROM missions`,
    );
    const serial = Number(row?.serial);
    const renewals = async () =>
      (await store.db.query(`SELECT 1 FROM outbound WHERE type = 'certificate.renewal' AND acked_at IS NULL`))
        .length;
    // The mission holds the certificate in force: nothing to send.
    await hello({ receivedUpTo: 0, sentUpTo: 0, ackedUpTo: 0, certificateSerial: serial });
    expect(await renewals()).toBe(0);
    // Its database went back to before a rotation: the one in force goes again, once.
    const answer = await hello({ receivedUpTo: 0, sentUpTo: 0, ackedUpTo: 0, certificateSerial: serial - 1 });
    expect(await renewals()).toBe(1);
    expect(answer.status === 'control' ? answer.resend : []).toHaveLength(1);
    await hello({ receivedUpTo: 0, sentUpTo: 0, ackedUpTo: 0, certificateSerial: serial - 1 });
    expect(await renewals()).toBe(1);
  });
  it('keeps a batch with its copies in one recovered envelope, and closes an envelope when it is full', () => {
    const events = (n: number) => bookingEvents(n);
    const copy = 'A'.repeat(RECOVERED_COPY_CHARS / 2);
    const bodies = recoveredEnvelopes([
      { events: events(RECOVERED_PER_ENVELOPE - 1), records: 'AAAA' },
      { events: events(2), records: copy },
      { events: events(3), records: copy },
      { events: events(1) },
      { events: events(1), records: 'BBBB' },
    ]);
    expect(bodies.map((body) => [body.events.length, body.records?.length ?? 0])).toEqual([
      [RECOVERED_PER_ENVELOPE - 1, 1],
      [2 + 3 + 1, 2],
      [1, 1],
    ]);
  });
  it('takes a hello older than the envelope applied last for a stale one, not for a mission gone back', async () => {
    // Two hub workers: one applied 1 and 2, sealed after the hello the other takes only now.
    const helloAt = Date.now();
    for (const seq of [1, 2])
      await ingest(sealUp(mission, hub, EVENTS_BATCH, { events: bookingEvents(1) }, seq, helloAt + seq));
    const stale = sealUp(
      mission,
      hub,
      HELLO,
      {
        softwareVersion: '0.1.0',
        protocolVersion: 1,
        backlog: { events: 0 },
        receivedUpTo: 0,
        sentUpTo: 0,
        ackedUpTo: 0,
      },
      0,
      helloAt,
    );
    expect(await ingest(stale)).not.toHaveProperty('reply');
    expect(await channel()).toMatchObject({ applied_up_to: 2, resync_from: null });
  });

  it('resynchronises a mission that says it was restored, even when the positions agree', async () => {
    for (const seq of [1, 2]) await ingest(batch(seq));
    expect(await hello({ receivedUpTo: 0, sentUpTo: 2, ackedUpTo: 2 })).not.toHaveProperty('reply');
    const answer = await hello({ receivedUpTo: 0, sentUpTo: 2, ackedUpTo: 2, restored: true });
    expect(answer).toMatchObject({ reply: { type: CHANNEL_RESYNC, body: { upFrom: 3 + RESYNC_MARGIN } } });
  });

  it('asks a mission to send again what the hub lost (a dump restored), from its own position', async () => {
    await ingest(batch(1));
    const answer = await hello({ receivedUpTo: 0, sentUpTo: 5, ackedUpTo: 5 });
    expect(answer).toMatchObject({ reply: { type: RESEND_REQUEST, body: { from: 2 } } });
  });

  it('numbers again past the mission what it sealed at a sequence the mission had used for another message', async () => {
    const directive = (title: string): Directive => ({
      directiveId: crypto.randomUUID(),
      title: { fr: title },
      body: { fr: 'Consigne.' },
      priority: 'normal',
      target: 'all',
      effectiveAt: new Date().toISOString(),
      requiresAck: false,
      issuedBy: 'dg',
      issuedAt: new Date().toISOString(),
    });
    // Restored from a dump, the hub holds 1 and seals two new directives as 2 and 3. The mission had
    // applied a 2 of the lost hub: another message, with another id.
    const first = directive('Avant');
    const reused = directive('Après la restauration');
    const next = directive('Encore après');
    await sealDown(first);
    await store.db.query('UPDATE outbound SET acked_at = now() WHERE seq = 1');
    await sealDown(reused);
    await sealDown(next);
    const elsewhere = 'ab'.repeat(16);
    const answer = await hello({ receivedUpTo: 2, receivedLastId: elsewhere, sentUpTo: 0, ackedUpTo: 0 });
    expect(await outbound()).toEqual([
      { seq: 1, id: first.directiveId, acked: true },
      { seq: 2, id: reused.directiveId, acked: true },
      { seq: 3, id: next.directiveId, acked: false },
      { seq: 4, id: reused.directiveId, acked: false },
    ]);
    expect(await channel()).toMatchObject({ next_send_seq: 5 });
    const sent = answer.status === 'control' ? answer.resend.map((bytes) => decodeHeader(bytes)) : [];
    expect(sent.map((header) => (header.ok ? header.header.seq : 0))).toEqual([3, 4]);
  });

  it('sends the state in force again to a mission that went back further than the hub keeps', async () => {
    const directive: Directive = {
      directiveId: crypto.randomUUID(),
      title: { fr: 'Toujours en vigueur' },
      body: { fr: 'Consigne.' },
      priority: 'high',
      target: 'all',
      effectiveAt: new Date().toISOString(),
      requiresAck: true,
      issuedBy: 'dg',
      issuedAt: new Date().toISOString(),
    };
    await store.db.query(
      `INSERT INTO directives (id, title, body, priority, target, effective_at, requires_ack, issued_by, issued_at)
       VALUES ($1, '{"fr":"Toujours en vigueur"}', '{"fr":"Consigne."}', 'high', '"all"', now(), true, 'dg', now())`,
      [directive.directiveId],
    );
    await store.db.query(`INSERT INTO directive_status (directive_id, mission_id) VALUES ($1, 'fr-paris')`, [
      directive.directiveId,
    ]);
    for (let i = 0; i < 3; i++) await sealDown(directive);
    await hello({ receivedUpTo: 3, sentUpTo: 0, ackedUpTo: 0 });
    expect(await pruneAcknowledgedOutbound(store.db, new Date(Date.now() + 86_400_000))).toBe(3);
    // Restored from a backup taken before anything came down: it asks from 1, which is gone.
    const answer = await hello({ receivedUpTo: 0, sentUpTo: 0, ackedUpTo: 0 });
    expect(answer).toMatchObject({ reply: { type: CHANNEL_RESYNC, body: { downFrom: 4 } } });
    const types = answer.status === 'control' ? answer.resend.map((bytes) => decodeHeader(bytes)) : [];
    expect(types.map((header) => (header.ok ? [header.header.seq, header.header.type] : []))).toEqual([
      [4, 'revocation.list'],
      [5, 'certificate.renewal'],
      [6, 'directive'],
    ]);
  });
});
