import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackup } from '../node/backup/backup.js';
import { backupFileName, backupTakenAt, listBackups, pruneBackups } from '../node/backup/backup-files.js';
import type { BackupProgress } from '../node/backup/progress.js';
import { restoreBackup } from '../node/backup/restore.js';
import { pruneBackupScans } from '../node/backup/scan-backup.js';
import { openStore, type Store } from '../node/db/store.js';
import { auditHead } from '../node/services/audit/audit-log.js';
import { createFileService } from '../node/services/files/file-service.js';
import type { PeopleRepository } from '../node/services/people/people-repository.js';
import { ready, sodium } from '../protocol/index.js';
import { applicant, appointmentsOver, codeFor, openMission, TUESDAY_9AM } from './_util/appointments.js';
import { makeTempDir } from './_util/node-store.js';
import { fakePdf } from './_util/scans.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const temp = await makeTempDir('econsulat-restore-');
  cleanups.push(temp.cleanup);
  return temp.dir;
}

const SCAN = fakePdf('Touadera-Bozize passport PA556677');

/** A mission with people, confirmed bookings, a file with a scan, SMS, outbox events and audit entries. */
async function seededMission() {
  const m = await openMission();
  cleanups.push(m.cleanup);
  const person = m.people.create(
    { givenNames: 'Faustin-Archange', familyName: 'Touadéra-Bozizé', phone: '+33 6 11 22 33 44' },
    'agent',
  );
  const references = [1, 2, 3].map((n) => {
    const { reference } = m.appointments.book(
      { serviceCode: 'passport-renewal', slotStart: TUESDAY_9AM, ...applicant(n) },
      'portal',
    );
    m.appointments.confirm({ reference, code: codeFor(m.store, reference) }, 'portal');
    return reference;
  });
  const files = filesOver(m.store, m.people);
  const file = files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    'agent',
  );
  const scan = await files.addDocument(
    file.id,
    { label: 'Passeport', contentType: 'application/pdf', bytes: SCAN },
    'agent',
  );
  return { ...m, person, references, file, scan };
}

function filesOver(store: Store, people: PeopleRepository) {
  return createFileService({ store, people, trackingPrefix: 'PAR', defaultRegion: 'FR' });
}

const count = (store: Store, table: string) =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const TABLES = [
  'people',
  'appointments',
  'files',
  'file_transitions',
  'file_documents',
  'outbox',
  'sms_outbox',
  'audit_log',
];

async function backupOf(store: Store, dir: string, at = new Date()) {
  return createBackup({
    store,
    out: join(dir, 'backups', backupFileName(at)),
    workDir: join(dir, 'backups'),
  });
}

describe('node backup and restore', () => {
  it('restores a backup into a fresh directory with every record readable', async () => {
    const m = await seededMission();
    const progress: BackupProgress[] = [];
    const { file } = await createBackup({
      store: m.store,
      out: join(m.dir, 'backups', 'b.sqlite.enc'),
      workDir: join(m.dir, 'backups'),
      onProgress: (p) => progress.push(p),
    });
    const target = await tempDir();
    const restored = await restoreBackup({ from: file, dataKey: m.dataKey, dir: target });
    expect(restored).toMatchObject({ integrity: 'ok', audit: { ok: true, ...auditHead(m.store.db) } });

    const store = await openStore({ path: restored.database, dataKey: m.dataKey });
    cleanups.push(async () => store.close());
    for (const table of TABLES) expect(count(store, table), table).toBe(count(m.store, table));
    const { people, appointments } = appointmentsOver(store, { now: m.clock.now });
    expect(people.get(m.person.id)).toEqual(m.person);
    expect(people.findByPhone('+33611223344').map((p) => p.id)).toEqual([m.person.id]);
    for (const reference of m.references) expect(appointments.get(reference)?.state).toBe('confirmed');
    expect(restored.documents).toEqual({ restored: 1, missing: [] });
    const scan = await filesOver(store, people).readDocument(m.file.id, m.scan.id);
    expect(scan.document).toEqual(m.scan);
    expect(Buffer.from(scan.bytes).equals(Buffer.from(SCAN))).toBe(true);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['copy', 'encrypt']));
    expect(progress.at(-1)).toMatchObject({ phase: 'encrypt', done: expect.any(Number) });
  });

  it('copies each scan into the backup folder once, sealed, and names those a restore cannot find', async () => {
    const m = await seededMission();
    const first = await backupOf(m.store, m.dir, new Date('2026-03-02T01:30:00Z'));
    expect(first.scans).toBe(1);
    const held = join(m.dir, 'backups', 'documents', `${m.scan.id}.scan`);
    expect((await readFile(held)).includes(Buffer.from('PA556677'))).toBe(false);
    const second = await backupOf(m.store, m.dir, new Date('2026-03-03T01:30:00Z'));
    expect(second.scans).toBe(0);
    // The database's copy stays small: the scan is not in it.
    expect(second.bytes).toBeLessThan(first.bytes + SCAN.length);

    await rm(held);
    const target = await tempDir();
    const restored = await restoreBackup({
      from: second.file,
      dataKey: m.dataKey,
      dir: target,
      acceptMissingScans: true,
    });
    expect(restored.documents).toEqual({ restored: 0, missing: [m.scan.id] });
  });

  it('drops from the backup folder a scan deleted before its oldest backup, and keeps it until then', async () => {
    const m = await seededMission();
    const dir = join(m.dir, 'backups');
    await backupOf(m.store, m.dir, new Date('2026-03-02T01:30:00Z'));
    m.store.db.prepare('DELETE FROM file_documents WHERE id = ?').run(m.scan.id);
    m.store.db
      .prepare('INSERT INTO file_documents_deleted (id, deleted_at) VALUES (?, ?)')
      .run(m.scan.id, '2026-03-02T04:15:00.000Z');
    await backupOf(m.store, m.dir, new Date('2026-03-03T01:30:00Z'));
    // The backup of 2 March still refers to the scan: it stays.
    expect(await pruneBackupScans(dir, m.store)).toEqual([]);
    expect(await pruneBackups(dir, 1)).toEqual(['mission-20260302T013000Z.sqlite.enc']);
    expect(await pruneBackupScans(dir, m.store)).toEqual([`${m.scan.id}.scan`]);
    expect(await readdir(join(dir, 'documents'))).toEqual([]);
  });

  it('writes a file (mode 0600) that shows nothing of the database in clear', async () => {
    const m = await seededMission();
    const { file } = await backupOf(m.store, m.dir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(file);
    for (const clear of [
      'SQLite format 3',
      'Touadéra',
      'Clarisse',
      'Ngoumbango',
      'passport-renewal',
      'PA556677',
      ...m.references,
    ]) {
      expect(bytes.includes(Buffer.from(clear)), clear).toBe(false);
    }
    expect((await readdir(join(m.dir, 'backups'))).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses a restore with another mission’s data key, naming the cause', async () => {
    const m = await seededMission();
    const { file } = await backupOf(m.store, m.dir);
    await ready();
    const target = await tempDir();
    const attempt = restoreBackup({ from: file, dataKey: sodium.randombytes_buf(32), dir: target });
    await expect(attempt).rejects.toMatchObject({
      code: 'backup_unreadable',
      message: expect.stringMatching(/data key/),
    });
    expect(await readdir(target)).toEqual([]);
  });

  it('refuses an altered or truncated backup', async () => {
    const m = await seededMission();
    const { file } = await backupOf(m.store, m.dir);
    const bytes = await readFile(file);
    const truncated = join(m.dir, 'truncated.enc');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 100));
    await expect(
      restoreBackup({ from: truncated, dataKey: m.dataKey, dir: await tempDir() }),
    ).rejects.toMatchObject({
      code: 'backup_unreadable',
    });
  });

  it('refuses to overwrite an existing database unless forced', async () => {
    const m = await seededMission();
    const { file } = await backupOf(m.store, m.dir);
    const target = await tempDir();
    await restoreBackup({ from: file, dataKey: m.dataKey, dir: target });
    const again = restoreBackup({ from: file, dataKey: m.dataKey, dir: target });
    await expect(again).rejects.toMatchObject({ code: 'target_exists' });
    await expect(
      restoreBackup({ from: file, dataKey: m.dataKey, dir: target, force: true }),
    ).resolves.toMatchObject({
      integrity: 'ok',
    });
  });

  it('refuses a missing backup file and never overwrites a backup', async () => {
    const m = await seededMission();
    await expect(
      restoreBackup({ from: join(m.dir, 'nope.enc'), dataKey: m.dataKey, dir: await tempDir() }),
    ).rejects.toMatchObject({
      code: 'backup_not_found',
    });
    const at = new Date('2026-03-02T02:30:00.000Z');
    await backupOf(m.store, m.dir, at);
    await expect(backupOf(m.store, m.dir, at)).rejects.toMatchObject({ code: 'output_exists' });
  });

  it('keeps the newest N backups and leaves other files alone', async () => {
    const dir = await tempDir();
    const days = ['01', '02', '03', '04', '05'];
    for (const day of days)
      await writeFile(join(dir, backupFileName(new Date(`2026-03-${day}T02:30:00Z`))), 'x');
    await writeFile(join(dir, 'copy-for-the-consul.sqlite.enc'), 'x');
    const pruned = await pruneBackups(dir, 2);
    expect(pruned).toEqual([
      'mission-20260301T023000Z.sqlite.enc',
      'mission-20260302T023000Z.sqlite.enc',
      'mission-20260303T023000Z.sqlite.enc',
    ]);
    expect(await listBackups(dir)).toEqual([
      'mission-20260304T023000Z.sqlite.enc',
      'mission-20260305T023000Z.sqlite.enc',
    ]);
    expect(await readdir(dir)).toContain('copy-for-the-consul.sqlite.enc');
    await expect(pruneBackups(dir, 0)).rejects.toThrow(TypeError);
  });

  it('reads back from a backup’s name the time it was taken, and nothing from another name', () => {
    const at = new Date('2026-11-27T02:30:07.000Z');
    expect(backupTakenAt(backupFileName(at))).toBe(at.toISOString());
    expect(backupTakenAt('copy-for-the-consul.sqlite.enc')).toBeUndefined();
  });
});
