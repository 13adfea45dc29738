import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../node/services/files/file-documents.js';
import { auditEntries, type PageUser, pageUser, staffApps } from './_util/backoffice-pages.js';
import { fakeJpeg, fakePdf } from './_util/scans.js';
import { csrfOf, type StaffApp } from './_util/staff-app.js';
import { counterFile } from './_util/staff-counter.js';

const apps = staffApps();
afterEach(apps.closeAll);

/** The multipart body a browser sends for the scan form, built by the platform's own FormData. */
async function scanForm(fields: {
  csrf: string;
  label: string;
  bytes: Uint8Array;
  type: string;
  name?: string;
}) {
  const form = new FormData();
  form.set('_csrf', fields.csrf);
  form.set('label', fields.label);
  form.set('scan', new Blob([fields.bytes], { type: fields.type }), fields.name ?? 'scan.pdf');
  const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

async function withFile() {
  const s = await apps.open();
  const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
  const file = counterFile(s.domain, 'Clarisse', 'Ngoumbango');
  const page = `/staff/dossiers/${file.id}`;
  const upload = async (
    user: PageUser,
    fields: Omit<Parameters<typeof scanForm>[0], 'csrf'>,
    csrf?: string,
  ) => {
    const form = await scanForm({ ...fields, csrf: csrf ?? csrfOf((await user.get(page)).body) });
    return s.app.inject({
      method: 'POST',
      url: `${page}/pieces`,
      headers: { cookie: user.cookie, 'content-type': form.contentType },
      payload: form.payload,
    });
  };
  return { s, agent, file, page, upload };
}

const documentCount = (s: StaffApp) =>
  (s.temp.store.db.prepare('SELECT count(*) AS n FROM file_documents').get() as { n: number }).n;

describe('back office: scanned documents on a file’s page', () => {
  it('adds a scan through the form, lists it escaped, and downloads it as an attachment', async () => {
    const { s, agent, file, page, upload } = await withFile();
    expect((await agent.get(page)).body).toContain('Aucune pièce.');
    const scan = fakePdf('Ngoumbango passport');
    const added = await upload(agent, {
      label: '<b>Passeport</b>, page 2',
      bytes: scan,
      type: 'application/pdf',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`${page}?ok=document_added`);
    const shown = await agent.get(`${page}?ok=document_added`);
    expect(shown.body).toContain('Pièce ajoutée au dossier.');
    expect(shown.body).toContain('&lt;b&gt;Passeport&lt;/b&gt;, page 2');
    expect(shown.body).not.toContain('<b>Passeport</b>');
    const [document] = s.domain.files.documents(file.id);
    expect(shown.body).toContain(`href="${page}/pieces/${document!.id}"`);
    expect(shown.body).toContain('PDF, 1 Ko, ajoutée par yakite');
    const download = await agent.get(`${page}/pieces/${document!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="scan-[0-9a-f-]+\.pdf"$/);
    expect(download.rawPayload.equals(Buffer.from(scan))).toBe(true);
    expect(auditEntries(s, 'file.document_added')).toEqual([
      { actor: 'yakite', entity: 'file', entityId: file.id },
    ]);
  });

  it('refuses a renamed file, an oversized one and a form without its CSRF token, in French, keeping nothing', async () => {
    const { s, agent, page, upload } = await withFile();
    const renamed = await upload(agent, { label: 'Photo', bytes: fakeJpeg(2_000), type: 'application/pdf' });
    expect(renamed.statusCode).toBe(415);
    expect(renamed.body).toContain('Seuls les fichiers PDF, JPEG et PNG sont acceptés');
    const oversized = await upload(agent, {
      label: 'Photo',
      bytes: fakeJpeg(MAX_DOCUMENT_BYTES + 1),
      type: 'image/jpeg',
      name: 'photo.jpg',
    });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.body).toContain('Fichier trop lourd : 10 Mo au plus.');
    const forged = await upload(
      agent,
      { label: 'Photo', bytes: fakeJpeg(2_000), type: 'image/jpeg' },
      'forged',
    );
    expect(forged.statusCode).toBe(403);
    // Only the scan form is read as multipart: another form's route does not take one.
    const form = await scanForm({ csrf: 'x', label: 'Photo', bytes: fakeJpeg(2_000), type: 'image/jpeg' });
    const elsewhere = await s.app.inject({
      method: 'POST',
      url: `${page}/transition`,
      headers: { cookie: agent.cookie, 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(elsewhere.statusCode).toBe(415);
    expect(documentCount(s)).toBe(0);
  });

  it('shows an auditor the list without links or form, and refuses the auditor’s upload and download', async () => {
    const { s, agent, file, page, upload } = await withFile();
    await upload(agent, { label: 'Passeport', bytes: fakePdf('x'), type: 'application/pdf' });
    const [document] = s.domain.files.documents(file.id);
    const auditor = await pageUser(s, await s.enrolled('kossi', ['auditor']));
    const shown = await auditor.get(page);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Passeport — PDF');
    expect(shown.body).not.toContain('/pieces');
    expect(
      (await upload(auditor, { label: 'X', bytes: fakePdf('y'), type: 'application/pdf' })).statusCode,
    ).toBe(403);
    expect((await auditor.get(`${page}/pieces/${document!.id}`)).statusCode).toBe(403);
    expect(documentCount(s)).toBe(1);
  });
});
