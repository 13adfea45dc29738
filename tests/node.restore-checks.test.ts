import { copyFile, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackup } from '../node/backup/backup.js';
import { backupFileName } from '../node/backup/backup-files.js';
import { restoreBackup } from '../node/backup/restore.js';
import { RESTORE_HISTORY_FILE } from '../node/backup/restore-history.js';
import { openStore, type Store } from '../node/db/store.js';
import { auditHead } from '../node/services/audit/audit-log.js';
import { createFileService } from '../node/services/files/file-service.js';
import { openMission } from './_util/appointments.js';
import { makeTempDir } from './_util/node-store.js';
import { fakePdf } from './_util/scans.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const temp = await makeTempDir('econsulat-restore-checks-');
  cleanups.push(temp.cleanup);
  return temp.dir;
}

const MONDAY = new Date('2026-03-02T01:30:00Z');
const TUESDAY = new Date('2026-03-03T01:30:00Z');

/** A mission with a file holding one scan, backed up on Monday and restored into a directory of its own. */
async function restoredOnMonday() {
  const m = await openMission();
  cleanups.push(m.cleanup);
  const person = m.people.create({ givenNames: 'Anicet', familyName: 'Dologuélé' }, 'agent');
  const files = createFileService({
    store: m.store,
    people: m.people,
    trackingPrefix: 'PAR',
    defaultRegion: 'FR',
  });
  const file = files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    'agent',
  );
  const scan = await files.addDocument(
    file.id,
    { label: 'Passeport', contentType: 'application/pdf', bytes: fakePdf('Dologuele passport PA778899') },
    'agent',
  );
  const monday = await backupOf(m.store, m.dir, MONDAY);
  const target = await tempDir();
  await restoreBackup({ from: monday, dataKey: m.dataKey, dir: target });
  return { ...m, scan, monday, target, before: await contentsOf(target) };
}

async function backupOf(store: Store, dir: string, at: Date): Promise<string> {
  const out = join(dir, 'backups', backupFileName(at));
  return (await createBackup({ store, out, workDir: join(dir, 'backups') })).file;
}

/** Every file under a directory, by relative path, with its bytes: what "left untouched" compares. */
async function contentsOf(dir: string): Promise<Record<string, Buffer>> {
  const contents: Record<string, Buffer> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    contents[relative(dir, path)] = await readFile(path);
  }
  return contents;
}

async function expectUntouched(target: string, before: Record<string, Buffer>): Promise<void> {
  const after = await contentsOf(target);
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  for (const [name, bytes] of Object.entries(before)) expect(after[name]?.equals(bytes), name).toBe(true);
  expect(Object.keys(after).filter((name) => name.includes('.partial'))).toEqual([]);
}

async function historyOf(target: string) {
  const text = await readFile(join(target, RESTORE_HISTORY_FILE), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { restoredAt: string; backup: string; auditHead: { seq: number } });
}

/** Two ways a failing disk damages a page: SQLite throws on reading it, or quick_check reports it. */
const DAMAGES = {
  'a page overwritten with garbage': (pageSize: number) => ({ at: 0, bytes: Buffer.alloc(pageSize, 0xa5) }),
  // The first cell pointer of a leaf page, just past its 8-byte header, sent beyond the page.
  'a cell pointer out of its page': (pageSize: number) => ({ at: 8, bytes: u16(pageSize + 904) }),
};

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

/**
 * Damages the root page of the people table in a copy of the mission's database and backs the copy
 * up: the online backup copies pages as they are, damage included.
 */
async function backupOfDamagedCopy(
  m: Awaited<ReturnType<typeof restoredOnMonday>>,
  damage: keyof typeof DAMAGES,
  at: Date,
): Promise<string> {
  const copy = join(m.dir, 'damaged', 'mission.sqlite');
  await mkdir(join(m.dir, 'damaged'));
  await m.store.db.backup(copy);
  const root = Number(
    m.store.db.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'people'`).pluck().get(),
  );
  const pageSize = Number(m.store.db.pragma('page_size', { simple: true }));
  const { at: offset, bytes } = DAMAGES[damage](pageSize);
  const file = await open(copy, 'r+');
  await file.write(bytes, 0, bytes.length, (root - 1) * pageSize + offset);
  await file.close();
  const damaged = await openStore({ path: copy, dataKey: m.dataKey });
  try {
    return await backupOf(damaged, m.dir, at);
  } finally {
    damaged.close();
  }
}

// What someone editing the file directly can do: the trigger is part of the file too.
function editAuditEntry(store: Store, seq: number): void {
  store.db.exec('DROP TRIGGER audit_log_no_update');
  store.db.prepare(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = ?`).run(seq);
}

describe('restore checks the backup whole before touching the target directory', () => {
  it.each(Object.keys(DAMAGES) as Array<keyof typeof DAMAGES>)(
    'refuses a backup with %s, and leaves the directory as it was',
    async (damage) => {
      const m = await restoredOnMonday();
      const damaged = await backupOfDamagedCopy(m, damage, TUESDAY);

      const attempt = restoreBackup({ from: damaged, dataKey: m.dataKey, dir: m.target, force: true });
      await expect(attempt).rejects.toMatchObject({
        code: 'backup_damaged',
        message: expect.stringMatching(/damaged.*nothing was changed/),
      });
      await expectUntouched(m.target, m.before);
      // Damaged pages have no accept flag: only another backup will do.
      await expect(
        restoreBackup({
          from: damaged,
          dataKey: m.dataKey,
          dir: m.target,
          force: true,
          acceptBrokenAudit: true,
        }),
      ).rejects.toMatchObject({ code: 'backup_damaged' });
      await expect(
        restoreBackup({ from: m.monday, dataKey: m.dataKey, dir: m.target, force: true }),
      ).resolves.toMatchObject({ integrity: 'ok', audit: { ok: true } });
    },
  );

  it('refuses a backup whose audit log was edited, unless the referent accepts it knowingly', async () => {
    const m = await restoredOnMonday();
    editAuditEntry(m.store, 2);
    const edited = await backupOf(m.store, m.dir, TUESDAY);

    const attempt = restoreBackup({ from: edited, dataKey: m.dataKey, dir: m.target, force: true });
    await expect(attempt).rejects.toMatchObject({
      code: 'audit_broken',
      message: expect.stringContaining('broken at entry 2 (altered_entry'),
    });
    await expectUntouched(m.target, m.before);

    const accepted = await restoreBackup({
      from: edited,
      dataKey: m.dataKey,
      dir: m.target,
      force: true,
      acceptBrokenAudit: true,
    });
    expect(accepted.audit).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'altered_entry' });
    const store = await openStore({ path: accepted.database, dataKey: m.dataKey });
    cleanups.push(async () => store.close());
    expect(store.db.prepare('SELECT actor FROM audit_log WHERE seq = 2').pluck().get()).toBe('someone-else');
    expect((await historyOf(m.target)).map((record) => record.backup)).toEqual([
      basename(m.monday),
      basename(edited),
    ]);
  });

  it('refuses a backup whose scans are not beside it, before copying any, unless accepted', async () => {
    const m = await restoredOnMonday();
    m.people.create({ givenNames: 'Catherine', familyName: 'Samba-Panza' }, 'agent');
    const tuesday = await backupOf(m.store, m.dir, TUESDAY);
    const held = join(m.dir, 'backups', 'documents', `${m.scan.id}.scan`);
    const aside = join(m.dir, 'aside.scan');
    await copyFile(held, aside);
    await rm(held);

    const attempt = restoreBackup({ from: tuesday, dataKey: m.dataKey, dir: m.target, force: true });
    await expect(attempt).rejects.toMatchObject({
      code: 'scans_missing',
      message: expect.stringContaining(`1 scanned documents the backup refers to are not in`),
    });
    await expect(attempt).rejects.toThrow(m.scan.id);
    await expectUntouched(m.target, m.before);

    const accepted = await restoreBackup({
      from: tuesday,
      dataKey: m.dataKey,
      dir: m.target,
      force: true,
      acceptMissingScans: true,
    });
    expect(accepted.documents).toEqual({ restored: 0, missing: [m.scan.id] });

    // The folder put back beside the backup: the restore goes through whole.
    await copyFile(aside, held);
    const whole = await restoreBackup({ from: tuesday, dataKey: m.dataKey, dir: m.target, force: true });
    expect(whole.documents).toEqual({ restored: 1, missing: [] });
  });

  it('records each restore in the directory, mode 0600, with the backup’s audit head', async () => {
    const m = await restoredOnMonday();
    const [record] = await historyOf(m.target);
    const head = auditHead(m.store.db);
    expect(record).toEqual({
      restoredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      backup: basename(m.monday),
      auditHead: { seq: head.length, hash: head.headHash, at: expect.stringMatching(/^\d{4}-/) },
    });
    expect((await stat(join(m.target, RESTORE_HISTORY_FILE))).mode & 0o777).toBe(0o600);
  });
});

describe('restore refuses a backup older than one already restored', () => {
  it('refuses Monday’s backup after Tuesday’s was restored, naming both, unless allowed', async () => {
    const m = await restoredOnMonday();
    const mondayHead = auditHead(m.store.db).length;
    m.people.create({ givenNames: 'Catherine', familyName: 'Samba-Panza' }, 'agent');
    const tuesday = await backupOf(m.store, m.dir, TUESDAY);
    const tuesdayHead = auditHead(m.store.db).length;
    expect(tuesdayHead).toBeGreaterThan(mondayHead);
    await restoreBackup({ from: tuesday, dataKey: m.dataKey, dir: m.target, force: true });
    const before = await contentsOf(m.target);

    const attempt = restoreBackup({ from: m.monday, dataKey: m.dataKey, dir: m.target, force: true });
    await expect(attempt).rejects.toMatchObject({ code: 'older_than_restored' });
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toContain(`${basename(m.monday)} is older`);
    expect(message).toContain(`ends at entry ${mondayHead} of 20`);
    expect(message).toContain(`while ${basename(tuesday)}, restored on 20`);
    expect(message).toContain(`reached entry ${tuesdayHead} of 20`);
    await expectUntouched(m.target, before);

    const back = await restoreBackup({
      from: m.monday,
      dataKey: m.dataKey,
      dir: m.target,
      force: true,
      allowOlder: true,
    });
    expect(back.wentBackBefore).toMatchObject({ backup: basename(tuesday), auditHead: { seq: tuesdayHead } });
    expect((await historyOf(m.target)).map((record) => record.auditHead.seq)).toEqual([
      mondayHead,
      tuesdayHead,
      mondayHead,
    ]);
    // Going back once does not lower the mark: Tuesday's is still the newest restored here.
    await expect(
      restoreBackup({ from: m.monday, dataKey: m.dataKey, dir: m.target, force: true }),
    ).rejects.toMatchObject({ code: 'older_than_restored' });
  });

  it('lets the same backup, a newer one, or any into another directory through', async () => {
    const m = await restoredOnMonday();
    await expect(
      restoreBackup({ from: m.monday, dataKey: m.dataKey, dir: m.target, force: true }),
    ).resolves.toMatchObject({ wentBackBefore: undefined });
    m.people.create({ givenNames: 'Catherine', familyName: 'Samba-Panza' }, 'agent');
    const tuesday = await backupOf(m.store, m.dir, TUESDAY);
    await restoreBackup({ from: tuesday, dataKey: m.dataKey, dir: m.target, force: true });
    const elsewhere = await tempDir();
    await expect(
      restoreBackup({ from: m.monday, dataKey: m.dataKey, dir: elsewhere }),
    ).resolves.toMatchObject({
      integrity: 'ok',
    });
  });
});
