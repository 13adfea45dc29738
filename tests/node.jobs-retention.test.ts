import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../node/db/store.js';
import { purgeExpiredData } from '../node/jobs/retention.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { createFileService } from '../node/services/files/file-service.js';
import { documentsDir } from '../node/services/files/scan-files.js';
import {
  CLOSED_STATES,
  DEFAULT_WORKFLOW,
  type FileState,
  isFinal,
  SERVICE_WORKFLOWS,
} from '../node/services/files/workflow.js';
import { appendEvent, markDelivered, newEvent } from '../node/services/outbox/outbox.js';
import { enqueueSms, markSmsSent } from '../node/services/outbox/sms-outbox.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { bookedData } from './_util/event-data.js';
import { openTempStore } from './_util/node-store.js';
import { fakePng } from './_util/scans.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempStore() {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  return temp.store;
}

const NOW = new Date('2026-06-01T03:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

function event(store: Store, at: Date, delivered: boolean): number {
  const seq = appendEvent(
    store,
    newEvent({
      kind: 'appointment.booked',
      entity: 'appointment',
      entityId: `a-${at.getTime()}`,
      data: bookedData(),
    }),
  );
  if (delivered) markDelivered(store, seq, at.toISOString());
  return seq;
}

function sms(store: Store, at: Date, sent: boolean): number {
  const id = enqueueSms(store, { to: '+33612345678', text: 'Rappel', purpose: 'reminder' }, at);
  if (id === undefined) throw new Error('the SMS caps dropped a reminder');
  if (sent) markSmsSent(store, id, at);
  return id;
}

function session(store: Store, id: string, expiresAt: Date): void {
  const at = expiresAt.toISOString();
  store.db
    .prepare(
      `INSERT OR IGNORE INTO staff_users (id, username, display_name_enc, password_hash, password_changed_at, created_at, updated_at)
       VALUES ('u1', 'agent', x'00', '$argon2id$x', ?, ?, ?)`,
    )
    .run(at, at, at);
  store.db
    .prepare(
      `INSERT INTO staff_sessions (id, token_hash, user_id, csrf_secret_enc, created_at, last_seen_at, expires_at)
       VALUES (?, randomblob(32), 'u1', x'00', ?, ?, ?)`,
    )
    .run(id, at, at, at);
}

const ids = (store: Store, sql: string) => store.db.prepare(sql).pluck().all();

describe('node retention purge', () => {
  it('removes delivered events older than the period, and keeps recent or undelivered ones', async () => {
    const store = await tempStore();
    // Delivered in order: the outbox is acknowledged up to a seq, so older events come first.
    const old = event(store, daysAgo(40), true);
    const recent = event(store, daysAgo(5), true);
    const undelivered = event(store, daysAgo(90), false);
    expect(purgeExpiredData(store, {}, NOW)).toMatchObject({ deliveredEvents: 1 });
    expect(ids(store, 'SELECT seq FROM outbox ORDER BY seq')).toEqual([recent, undelivered]);
    expect(ids(store, 'SELECT seq FROM outbox')).not.toContain(old);
  });

  it('removes sent SMS older than the period, never one still waiting to go', async () => {
    const store = await tempStore();
    sms(store, daysAgo(31), true);
    const recent = sms(store, daysAgo(29), true);
    const pending = sms(store, daysAgo(200), false);
    expect(purgeExpiredData(store, {}, NOW)).toMatchObject({ sentSms: 1 });
    expect(ids(store, 'SELECT id FROM sms_outbox ORDER BY id')).toEqual([recent, pending]);
  });

  it('removes sessions that expired more than a week ago', async () => {
    const store = await tempStore();
    session(store, 'long-gone', daysAgo(8));
    session(store, 'yesterday', daysAgo(1));
    session(store, 'live', new Date(NOW.getTime() + 3_600_000));
    expect(purgeExpiredData(store, {}, NOW)).toMatchObject({ expiredSessions: 1 });
    expect(ids(store, 'SELECT id FROM staff_sessions ORDER BY id')).toEqual(['live', 'yesterday']);
  });

  it('removes the scans of files closed over a year ago, keeping the file, and those of open or recent files', async () => {
    const store = await tempStore();
    let at = daysAgo(500);
    const people = createPeopleRepository({ store, defaultRegion: 'FR' });
    const files = createFileService({
      store,
      people,
      trackingPrefix: 'PAR',
      defaultRegion: 'FR',
      now: () => at,
    });
    const person = people.create({ givenNames: 'Awa', familyName: 'Ngbanda' }, 'amina');
    const fileWithScan = async (moves: string[], closedDaysAgo: number) => {
      at = daysAgo(500);
      const file = files.open(
        { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
        'amina',
      );
      await files.addDocument(
        file.id,
        { label: 'Passeport', contentType: 'image/png', bytes: fakePng(100) },
        'amina',
      );
      at = daysAgo(closedDaysAgo);
      for (const to of moves) files.transition(file.id, { to: to as FileState }, 'amina');
      return file.id;
    };
    const rejectedLongAgo = await fileWithScan(['in_review', 'rejected'], 400);
    const deliveredLongAgo = await fileWithScan(['in_review', 'approved', 'ready', 'delivered'], 366);
    const deliveredRecently = await fileWithScan(['in_review', 'approved', 'ready', 'delivered'], 300);
    const stillOpen = await fileWithScan(['in_review', 'awaiting_documents'], 450);
    const scansOf = (fileId: string) => files.documents(fileId).map((document) => `${document.id}.scan`);
    const purged = [...scansOf(rejectedLongAgo), ...scansOf(deliveredLongAgo)];
    const kept = [...scansOf(deliveredRecently), ...scansOf(stillOpen)];
    expect(purgeExpiredData(store, {}, NOW).closedFileDocuments).toBe(2);
    // The files go with the rows, and a tombstone each tells backup folders when.
    expect((await readdir(documentsDir(store))).sort()).toEqual(kept.sort());
    expect(ids(store, "SELECT id || '.scan' FROM file_documents_deleted ORDER BY id")).toEqual(purged.sort());
    expect(ids(store, 'SELECT DISTINCT deleted_at FROM file_documents_deleted')).toEqual([NOW.toISOString()]);
    expect(files.documents(rejectedLongAgo)).toEqual([]);
    expect(files.documents(deliveredLongAgo)).toEqual([]);
    expect(files.documents(deliveredRecently)).toHaveLength(1);
    expect(files.documents(stillOpen)).toHaveLength(1);
    expect(files.get(rejectedLongAgo)?.state).toBe('rejected');
    expect(files.history(deliveredLongAgo).at(-1)?.to).toBe('delivered');
    expect(purgeExpiredData(store, { closedFileDocumentsDays: 30 }, NOW).closedFileDocuments).toBe(1);
  });

  it('closes files only in states that end every workflow', () => {
    for (const workflow of [DEFAULT_WORKFLOW, ...Object.values(SERVICE_WORKFLOWS)]) {
      for (const state of CLOSED_STATES) expect(isFinal(workflow, state)).toBe(true);
    }
  });

  it('keeps acknowledged envelopes for 90 days, and those the hub never acknowledged for ever', async () => {
    const store = await tempStore();
    const sent = (seq: number, ackedAt: Date | null) =>
      store.db
        .prepare(
          `INSERT INTO link_sent (seq, type, envelope, sealed_at, acked_at) VALUES (?, 'events.batch', x'00', ?, ?)`,
        )
        .run(seq, daysAgo(200).toISOString(), ackedAt?.toISOString() ?? null);
    sent(1, daysAgo(120));
    sent(2, daysAgo(60));
    sent(3, null);
    expect(purgeExpiredData(store, {}, NOW).acknowledgedEnvelopes).toBe(1);
    expect(ids(store, 'SELECT seq FROM link_sent ORDER BY seq')).toEqual([2, 3]);
    expect(purgeExpiredData(store, { acknowledgedEnvelopesDays: 30 }, NOW).acknowledgedEnvelopes).toBe(1);
    expect(ids(store, 'SELECT seq FROM link_sent ORDER BY seq')).toEqual([3]);
  });

  it('follows a configured policy', async () => {
    const store = await tempStore();
    sms(store, daysAgo(10), true);
    expect(purgeExpiredData(store, { sentSmsDays: 30 }, NOW).sentSms).toBe(0);
    expect(purgeExpiredData(store, { sentSmsDays: 7 }, NOW).sentSms).toBe(1);
  });

  it('records a purge that removed something in the audit chain, and only then', async () => {
    const store = await tempStore();
    expect(purgeExpiredData(store, {}, NOW)).toEqual({
      deliveredEvents: 0,
      sentSms: 0,
      expiredSessions: 0,
      closedFileDocuments: 0,
      acknowledgedEnvelopes: 0,
    });
    expect(ids(store, 'SELECT action FROM audit_log')).toEqual([]);
    sms(store, daysAgo(60), true);
    purgeExpiredData(store, {}, NOW);
    expect(ids(store, 'SELECT action FROM audit_log')).toEqual(['retention.purged']);
    expect(verifyAuditChain(store.db)).toMatchObject({ ok: true, length: 1 });
  });

  it('refuses a policy with unknown fields or a period under a day', async () => {
    const store = await tempStore();
    expect(() => purgeExpiredData(store, { sentSmsDays: 0 }, NOW)).toThrow();
    expect(() => purgeExpiredData(store, { keepForever: true } as never, NOW)).toThrow();
  });
});
