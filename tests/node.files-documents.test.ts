import { copyFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { checkpointDatabase } from '../node/db/db.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { FileError } from '../node/services/files/errors.js';
import { MAX_DOCUMENT_BYTES } from '../node/services/files/file-documents.js';
import { createFileService, type FileService } from '../node/services/files/file-service.js';
import { documentsDir, scanPath } from '../node/services/files/scan-files.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { openTempStore, type TempStore } from './_util/node-store.js';
import { fakeJpeg, fakePdf, fakePng } from './_util/scans.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<TempStore & { files: FileService; fileId: string }> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const people = createPeopleRepository({ store: temp.store, defaultRegion: 'FR' });
  const files = createFileService({
    store: temp.store,
    people,
    trackingPrefix: 'PAR',
    defaultRegion: 'FR',
    now: () => new Date('2026-03-02T09:00:00.000Z'),
  });
  const person = people.create({ givenNames: 'Bénédicte', familyName: 'Ngaïkoumon' }, 'amina');
  const file = files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    'amina',
  );
  return { ...temp, files, fileId: file.id };
}

/** The code of the FileError a call is refused with. */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  const error = await call().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(FileError);
  return (error as FileError).code;
}

const NO_SUCH_ID = '0190f0c8-0000-7000-8000-000000000000';

describe('scanned documents of a file', () => {
  it('attaches PDF, JPEG and PNG scans and gives each back byte for byte, with an audit entry each', async () => {
    const s = await setup();
    const scans = [
      { label: 'Passeport, page 2', contentType: 'application/pdf', bytes: fakePdf('Ngaïkoumon passport') },
      { label: 'Photo d’identité', contentType: 'image/jpeg', bytes: fakeJpeg(300_000) },
      { label: 'Acte de naissance', contentType: 'image/png', bytes: fakePng(2_000) },
    ];
    const added = [];
    for (const scan of scans) added.push(await s.files.addDocument(s.fileId, scan, 'amina'));
    expect(s.files.documents(s.fileId)).toEqual(added);
    expect(added[0]).toMatchObject({
      fileId: s.fileId,
      label: 'Passeport, page 2',
      contentType: 'application/pdf',
      byteSize: scans[0]!.bytes.length,
      addedBy: 'amina',
      addedAt: '2026-03-02T09:00:00.000Z',
    });
    for (const [index, document] of added.entries()) {
      const read = await s.files.readDocument(s.fileId, document.id);
      expect(read.document).toEqual(document);
      expect(Buffer.from(read.bytes).equals(Buffer.from(scans[index]!.bytes))).toBe(true);
    }
    // One sealed file per scan beside the database, nothing else left there.
    expect((await readdir(documentsDir(s.store))).sort()).toEqual(added.map((d) => `${d.id}.scan`).sort());
    const actions = s.store.db
      .prepare(
        `SELECT action, actor, entity_id AS entityId FROM audit_log WHERE action = 'file.document_added'`,
      )
      .all();
    expect(actions).toEqual(
      added.map(() => ({ action: 'file.document_added', actor: 'amina', entityId: s.fileId })),
    );
    expect(verifyAuditChain(s.store.db).ok).toBe(true);
  });

  it('leaves neither the scan nor its label readable in the database file or the scan’s own file', async () => {
    const s = await setup();
    const marker = 'NGAIKOUMON-PASSPORT-PA998877';
    const document = await s.files.addDocument(
      s.fileId,
      { label: 'Passeport Ngaïkoumon', contentType: 'application/pdf', bytes: fakePdf(marker) },
      'amina',
    );
    checkpointDatabase(s.store.db);
    const copy = join(s.dir, 'copy.sqlite');
    await copyFile(s.path, copy);
    for (const bytes of [
      await readFile(copy),
      await readFile(scanPath(documentsDir(s.store), document.id)),
    ]) {
      for (const secret of [marker, 'Passeport Ngaïkoumon', '%PDF-'])
        expect(bytes.includes(Buffer.from(secret, 'utf8')), secret).toBe(false);
    }
  });

  it('refuses an empty or oversized scan, and bytes that are not what the upload declares, writing nothing', async () => {
    const s = await setup();
    const add = (contentType: string, bytes: Uint8Array) => () =>
      s.files.addDocument(s.fileId, { label: 'Scan', contentType, bytes }, 'amina');
    expect(await refusal(add('application/pdf', new Uint8Array()))).toBe('document_too_large');
    expect(await refusal(add('image/jpeg', fakeJpeg(MAX_DOCUMENT_BYTES + 1)))).toBe('document_too_large');
    expect(await refusal(add('application/pdf', fakeJpeg(1_000)))).toBe('document_type_mismatch');
    expect(await refusal(add('image/gif', new TextEncoder().encode('GIF89a....')))).toBe(
      'document_type_mismatch',
    );
    expect(await refusal(add('application/pdf', new TextEncoder().encode('<html>%PDF-1.7')))).toBe(
      'document_type_mismatch',
    );
    await expect(
      s.files.addDocument(s.fileId, { label: '  ', contentType: 'image/png', bytes: fakePng(10) }, 'amina'),
    ).rejects.toBeInstanceOf(ZodError);
    expect(
      await refusal(() =>
        s.files.addDocument(
          NO_SUCH_ID,
          { label: 'Scan', contentType: 'image/png', bytes: fakePng(10) },
          'amina',
        ),
      ),
    ).toBe('file_not_found');
    expect(s.files.documents(s.fileId)).toEqual([]);
    expect(await readdir(documentsDir(s.store)).catch(() => [])).toEqual([]);
    expect(
      s.store.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'file.document_added'`).get(),
    ).toEqual({
      n: 0,
    });
  });

  it('refuses reading a scan through another file or under an unknown id', async () => {
    const s = await setup();
    const document = await s.files.addDocument(
      s.fileId,
      { label: 'Scan', contentType: 'image/png', bytes: fakePng(10) },
      'amina',
    );
    expect(await refusal(() => s.files.readDocument(NO_SUCH_ID, document.id))).toBe('document_not_found');
    expect(await refusal(() => s.files.readDocument(s.fileId, NO_SUCH_ID))).toBe('document_not_found');
  });

  it('does not open a scan put in another’s place, and says so when a scan’s file is gone', async () => {
    const s = await setup();
    const first = await s.files.addDocument(
      s.fileId,
      { label: 'A', contentType: 'image/png', bytes: fakePng(10) },
      'amina',
    );
    const second = await s.files.addDocument(
      s.fileId,
      { label: 'B', contentType: 'image/png', bytes: fakePng(20) },
      'amina',
    );
    const dir = documentsDir(s.store);
    await copyFile(scanPath(dir, first.id), scanPath(dir, second.id));
    await expect(s.files.readDocument(s.fileId, second.id)).rejects.toThrow();
    expect((await s.files.readDocument(s.fileId, first.id)).bytes.length).toBe(first.byteSize);
    await rm(scanPath(dir, first.id));
    await expect(s.files.readDocument(s.fileId, first.id)).rejects.toThrow(/missing/);
  });
});
