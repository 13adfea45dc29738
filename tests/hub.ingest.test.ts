import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unreadEventCounts } from '../hub/ingest/event-data-check.js';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import type { IngestContext } from '../hub/ingest/ingest-types.js';
import { refusalCounts } from '../hub/ingest/refusals.js';
import { holdOutbound } from '../hub/services/outbound.js';
import {
  ACK,
  AUDIT_CHECKPOINT,
  DIRECTIVE,
  DIRECTIVE_ACK,
  DIRECTIVE_RECEIPT,
  EVENTS_BATCH,
  HELLO,
  type Identity,
  REGISTRY_SUBMISSION,
  RESEND_REQUEST,
  Refusal,
  STATS_SNAPSHOT,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { bookingEvents, enrolledHub, sealUp } from './_util/hub-fixtures.js';

describe.each(storeBackends('hub ingest'))('hub ingest on $name', (backend) => {
  let store: TestStore;
  let hub: Identity;
  let mission: Identity;
  let context: () => IngestContext;
  const batch = (seq: number, count = 3) =>
    sealUp(mission, hub, EVENTS_BATCH, { events: bookingEvents(count) }, seq);
  const ingest = (bytes: Uint8Array) => ingestEnvelope(store.db, bytes, context());
  const countOf = async (table: string) =>
    (await store.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n;
  const appliedUpTo = async () =>
    (await store.db.query<{ a: number }>('SELECT applied_up_to AS a FROM channels'))[0]?.a;

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub, mission, context } = await enrolledHub(store.db));
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('applies an events batch once, advances the channel and acknowledges it', async () => {
    const outcome = await ingest(batch(1));
    expect(outcome).toMatchObject({ status: 'applied', missionId: 'fr-paris', seq: 1 });
    expect(outcome.status === 'applied' && outcome.reply).toMatchObject({ type: ACK, body: { upTo: 1 } });
    expect(await countOf('mission_events')).toBe(3);
    expect(await appliedUpTo()).toBe(1);
  });

  it('keeps events whose data does not match their kind, and counts them by kind and reason', async () => {
    const [good, missingAmount, wrongType] = bookingEvents(3);
    const events = [
      good!,
      {
        ...missingAmount!,
        kind: 'payment.recorded',
        entity: 'payment',
        data: { currency: 'EUR', method: 'cash' },
      },
      { ...wrongType!, data: { ...wrongType!.data, slotStart: 'tuesday' } },
      { ...good!, id: crypto.randomUUID(), kind: 'visa.issued', entity: 'visa', data: { anything: 1 } },
    ];
    const outcome = await ingest(sealUp(mission, hub, EVENTS_BATCH, { events }, 1));
    expect(outcome).toMatchObject({ status: 'applied', seq: 1 });
    expect(await countOf('mission_events')).toBe(4);
    expect(await unreadEventCounts(store.db)).toEqual([
      { kind: 'appointment.booked', reason: 'unexpected_data', count: 1 },
      { kind: 'payment.recorded', reason: 'unexpected_data', count: 1 },
      { kind: 'visa.issued', reason: 'unknown_kind', count: 1 },
    ]);
    const [detail] = await store.db.query<{ last_mission: string; last_detail: string }>(
      `SELECT last_mission, last_detail FROM event_data_mismatches WHERE kind = 'payment.recorded'`,
    );
    expect(detail).toEqual({ last_mission: 'fr-paris', last_detail: expect.stringContaining('amountMinor') });
    // Well-formed batches add nothing; a second bad one adds to its row.
    await ingest(batch(2));
    await ingest(
      sealUp(mission, hub, EVENTS_BATCH, { events: [{ ...events[3]!, id: crypto.randomUUID() }] }, 3),
    );
    expect((await unreadEventCounts(store.db)).map((row) => row.count)).toEqual([1, 1, 2]);
  });

  it('applies an envelope delivered twice once, and re-acknowledges the second delivery', async () => {
    const envelope = batch(1);
    await ingest(envelope);
    const again = await ingest(envelope);
    expect(again).toEqual({
      status: 'duplicate',
      missionId: 'fr-paris',
      reply: { type: ACK, body: { upTo: 1 }, timestamp: expect.any(Number) },
    });
    expect(await countOf('mission_events')).toBe(3);
    expect(await countOf('ingest_refusals')).toBe(0);
  });

  it('asks for a resend from 2 when 3 arrives first, and applies nothing until 2 comes', async () => {
    const [second, third] = [batch(2), batch(3)];
    await ingest(batch(1));
    const gap = await ingest(third);
    expect(gap).toEqual({
      status: 'gap',
      missionId: 'fr-paris',
      seq: 3,
      reply: { type: RESEND_REQUEST, body: { from: 2 }, timestamp: expect.any(Number) },
    });
    expect(await countOf('mission_events')).toBe(3);
    expect(await appliedUpTo()).toBe(1);
    // 3 was seen: the answer to 2 asks for it again (tests/sync.shared-ingest-order.test.ts says why).
    expect(await ingest(second)).toMatchObject({
      status: 'applied',
      seq: 2,
      reply: { type: RESEND_REQUEST, body: { from: 3 } },
    });
    expect(await ingest(third)).toMatchObject({
      status: 'applied',
      seq: 3,
      reply: { type: ACK, body: { upTo: 3 } },
    });
    expect(await countOf('mission_events')).toBe(9);
  });

  it('applies once when two workers ingest the same envelope at the same time', async () => {
    const envelope = batch(1, 50);
    const outcomes = await Promise.all([ingest(envelope), ingest(envelope), ingest(envelope)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await countOf('mission_events')).toBe(50);
    expect(await appliedUpTo()).toBe(1);
  });

  it('refuses tampered and forged envelopes and counts each by reason', async () => {
    const body = batch(1);
    const ciphertextAltered = Uint8Array.from(body);
    ciphertextAltered[ciphertextAltered.length - 1]! ^= 0x01;
    const headerAltered = Uint8Array.from(body);
    headerAltered[20]! ^= 0x01; // inside the sequence number
    expect(await ingest(ciphertextAltered)).toMatchObject({
      status: 'refused',
      reason: Refusal.DecryptionFailed,
    });
    expect(await ingest(headerAltered)).toMatchObject({ status: 'refused', reason: Refusal.HeaderAltered });
    expect(await ingest(Uint8Array.of(1, 2, 3))).toMatchObject({
      status: 'refused',
      reason: Refusal.Malformed,
    });
    const stranger = (await enrolledHub(store.db, 'cm-yaounde')).mission;
    const forged = sealUp(stranger, hub, EVENTS_BATCH, { events: bookingEvents(1) }, 1);
    expect(await ingest(forged)).toMatchObject({ status: 'refused', reason: Refusal.UnknownSender });
    await ingest(ciphertextAltered);
    expect(await refusalCounts(store.db)).toEqual({
      [Refusal.DecryptionFailed]: 2,
      [Refusal.HeaderAltered]: 1,
      [Refusal.Malformed]: 1,
      [Refusal.UnknownSender]: 1,
    });
    expect(await countOf('mission_events')).toBe(0);
    expect(await appliedUpTo()).toBe(0);
  });

  it('refuses an envelope published on another mission’s topic, and takes it on its own', async () => {
    const envelope = batch(1);
    const elsewhere = await ingestEnvelope(store.db, envelope, { ...context(), arrivedOn: 'cm-yaounde' });
    expect(elsewhere).toMatchObject({ status: 'refused', reason: Refusal.UnknownSender });
    expect(await countOf('mission_events')).toBe(0);
    expect(await appliedUpTo()).toBe(0);
    const own = await ingestEnvelope(store.db, envelope, { ...context(), arrivedOn: 'fr-paris' });
    expect(own).toMatchObject({ status: 'applied', missionId: 'fr-paris', seq: 1 });
  });

  it('refuses a message type that only travels from the hub', async () => {
    const directive = sealUp(mission, hub, DIRECTIVE, directiveBody(crypto.randomUUID()), 1);
    expect(await ingest(directive)).toMatchObject({ status: 'refused', reason: Refusal.Malformed });
    expect(await appliedUpTo()).toBe(0);
  });

  it('commits an events batch of 1,000 events', async () => {
    expect(await ingest(batch(1, 1000))).toMatchObject({ status: 'applied' });
    expect(await countOf('mission_events')).toBe(1000);
    const [row] = await store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM mission_events WHERE mission_id = 'fr-paris' AND kind = 'appointment.booked'",
    );
    expect(row?.n).toBe(1000);
  });

  it('records the status a hello reports and sends back what the mission has not received', async () => {
    const held = await holdThree();
    const hello = sealUp(mission, hub, HELLO, helloBody(1), 0);
    const outcome = await ingest(hello);
    expect(outcome).toMatchObject({ status: 'control', messageType: HELLO });
    expect(outcome.status === 'control' && outcome.resend.map((b) => new Uint8Array(b))).toEqual(
      held.slice(1),
    );
    const [status] = await store.db.query('SELECT online, software_version, backlog_events FROM missions');
    // Its backlog counts what the hub may hold already: only applied messages set the figure.
    expect(status).toEqual({ online: true, software_version: '0.1.0', backlog_events: 0 });
    expect(await ingest(hello)).toEqual({ status: 'duplicate', missionId: 'fr-paris' });
  });

  it('stops holding acknowledged envelopes, resends the rest on request, and takes a request from n as an ack of n − 1', async () => {
    const held = await holdThree();
    const now = Date.now();
    expect(await ingest(sealUp(mission, hub, ACK, { upTo: 2 }, 0, now))).toMatchObject({ status: 'control' });
    const fromThree = await ingest(sealUp(mission, hub, RESEND_REQUEST, { from: 3 }, 0, now + 1));
    expect(fromThree.status === 'control' && fromThree.resend.map((b) => new Uint8Array(b))).toEqual(
      held.slice(2),
    );
    // A resend request from 4 says 3 was applied at the mission: nothing is held any more.
    const fromFour = await ingest(sealUp(mission, hub, RESEND_REQUEST, { from: 4 }, 0, now + 2));
    expect(fromFour).toMatchObject({ status: 'control', resend: [] });
    const [waiting] = await store.db.query<{ n: number | string }>(
      'SELECT count(*) AS n FROM outbound WHERE acked_at IS NULL',
    );
    expect(Number(waiting?.n)).toBe(0);
  });

  it('keeps acknowledged envelopes and sends them again to a mission that went back in time', async () => {
    const held = await holdThree();
    const now = Date.now();
    await ingest(sealUp(mission, hub, ACK, { upTo: 3 }, 0, now));
    // Restored from a backup taken after 1: the mission asks from 2, below what it acknowledged.
    const again = await ingest(sealUp(mission, hub, RESEND_REQUEST, { from: 2 }, 0, now + 1));
    expect(again.status === 'control' && again.resend.map((b) => new Uint8Array(b))).toEqual(held.slice(1));
  });

  it('ignores an acknowledgement of more than the hub ever sent (the hub went back in time)', async () => {
    await holdThree();
    await ingest(sealUp(mission, hub, ACK, { upTo: 7 }, 0));
    const [waiting] = await store.db.query<{ n: number | string }>(
      'SELECT count(*) AS n FROM outbound WHERE acked_at IS NULL',
    );
    expect(Number(waiting?.n)).toBe(3);
  });

  it('records directive receipts and acknowledgements per mission', async () => {
    const directiveId = crypto.randomUUID();
    await insertDirective(directiveId);
    const receivedAt = '2026-11-20T10:00:00.000Z';
    const acknowledgedAt = '2026-11-20T11:00:00.000Z';
    await ingest(sealUp(mission, hub, DIRECTIVE_RECEIPT, { directiveId, receivedAt }, 1));
    await ingest(
      sealUp(mission, hub, DIRECTIVE_ACK, { directiveId, acknowledgedAt, acknowledgedBy: 'consul' }, 2),
    );
    const [row] = await store.db.query<{ received_at: Date; acknowledged_at: Date; acknowledged_by: string }>(
      'SELECT received_at, acknowledged_at, acknowledged_by FROM directive_status',
    );
    expect(row?.received_at.toISOString()).toBe(receivedAt);
    expect(row?.acknowledged_at.toISOString()).toBe(acknowledgedAt);
    expect(row?.acknowledged_by).toBe('consul');
  });

  it('flags an audit chain that got shorter', async () => {
    const at = new Date().toISOString();
    await ingest(sealUp(mission, hub, AUDIT_CHECKPOINT, { at, length: 10, headHash: 'a'.repeat(64) }, 1));
    await ingest(sealUp(mission, hub, AUDIT_CHECKPOINT, { at, length: 8, headHash: 'b'.repeat(64) }, 2));
    const rows = await store.db.query('SELECT length, anomaly FROM audit_checkpoints ORDER BY length');
    expect(rows).toEqual([
      { length: 8, anomaly: 'chain_shortened' },
      { length: 10, anomaly: null },
    ]);
  });

  it('keeps stats snapshots and registry submissions', async () => {
    const at = new Date().toISOString();
    await ingest(sealUp(mission, hub, STATS_SNAPSHOT, { at, counters: { 'appointments.today': 12 } }, 1));
    const submission = {
      submissionId: crypto.randomUUID(),
      kind: 'birth' as const,
      recordId: 'TR-2026-0001',
      person: { givenNames: 'Marie', familyName: 'Ngaba', birthDate: '2026-10-01' },
      submittedAt: at,
    };
    await ingest(sealUp(mission, hub, REGISTRY_SUBMISSION, submission, 2));
    expect(await store.db.query('SELECT counters FROM mission_stats')).toEqual([
      { counters: { 'appointments.today': 12 } },
    ]);
    expect(await store.db.query('SELECT kind, status, person FROM registry_submissions')).toEqual([
      { kind: 'birth', status: 'pending', person: submission.person },
    ]);
  });

  async function holdThree(): Promise<Uint8Array[]> {
    const held: Uint8Array[] = [];
    await store.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) {
        await holdOutbound(tx, 'fr-paris', ACK, (seq) => {
          const bytes = Uint8Array.of(seq, 0xee);
          held.push(bytes);
          return bytes;
        });
      }
    });
    return held;
  }

  async function insertDirective(id: string): Promise<void> {
    await store.db.query(
      `INSERT INTO directives (id, title, body, priority, target, effective_at, requires_ack, issued_by, issued_at)
       VALUES ($1, '{"fr":"Horaires"}', '{"fr":"Fermeture le 1er décembre"}', 'normal', '"all"', now(), true, 'dg', now())`,
      [id],
    );
  }
});

function helloBody(receivedUpTo: number) {
  return { softwareVersion: '0.1.0', protocolVersion: 1, backlog: { events: 42 }, receivedUpTo };
}

function directiveBody(directiveId: string) {
  const now = new Date().toISOString();
  return {
    directiveId,
    title: { fr: 'Horaires' },
    body: { fr: 'Fermeture le 1er décembre' },
    priority: 'normal' as const,
    target: 'all' as const,
    effectiveAt: now,
    requiresAck: true,
    issuedBy: 'dg',
    issuedAt: now,
  };
}
