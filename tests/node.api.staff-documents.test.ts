import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../node/services/files/file-documents.js';
import { fakeJpeg, fakePdf } from './_util/scans.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';

const apps: StaffApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function withFile() {
  const s = await openStaffApp();
  apps.push(s);
  const agent = await s.login(await s.enrolled('yakite', ['agent']));
  const opened = await s.app.inject({
    method: 'POST',
    url: '/api/v1/staff/files',
    headers: { cookie: agent.cookie },
    payload: {
      person: { givenNames: 'Clarisse', familyName: 'Ngoumbango' },
      serviceCode: 'passport-renewal',
    },
  });
  expect(opened.statusCode).toBe(201);
  const upload = (cookie: string, body: Uint8Array, type: string, label = 'Passeport, page 2') =>
    s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/files/${opened.json().id}/documents?label=${encodeURIComponent(label)}`,
      headers: { cookie, 'content-type': type },
      payload: Buffer.from(body),
    });
  return { s, agent, fileId: opened.json().id as string, upload };
}

describe('staff API: scanned documents of a file', () => {
  it('takes a scan as its own type, lists it with the file and gives it back as an attachment', async () => {
    const { s, agent, fileId, upload } = await withFile();
    const scan = fakePdf('Ngoumbango passport');
    const added = await upload(agent.cookie, scan, 'application/pdf');
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      fileId,
      label: 'Passeport, page 2',
      contentType: 'application/pdf',
      byteSize: scan.length,
      addedBy: 'yakite',
    });
    const detail = await s.app.inject({
      url: `/api/v1/staff/files/${fileId}`,
      headers: { cookie: agent.cookie },
    });
    expect(detail.json().documents).toEqual([added.json()]);
    const download = await s.app.inject({
      url: `/api/v1/staff/files/${fileId}/documents/${added.json().id}`,
      headers: { cookie: agent.cookie },
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="scan-${added.json().id}.pdf"`,
    );
    expect(download.headers['cache-control']).toBe('no-store');
    expect(download.rawPayload.equals(Buffer.from(scan))).toBe(true);
    // A phone photo: far past the 256 KB the JSON routes take.
    const photo = fakeJpeg(3_000_000);
    const photoAdded = await upload(agent.cookie, photo, 'image/jpeg', 'Photo');
    expect(photoAdded.statusCode).toBe(201);
    const photoBack = await s.app.inject({
      url: `/api/v1/staff/files/${fileId}/documents/${photoAdded.json().id}`,
      headers: { cookie: agent.cookie },
    });
    expect(photoBack.rawPayload.equals(Buffer.from(photo))).toBe(true);
  });

  it('refuses a renamed file, a type it does not keep, an oversized scan and a missing label', async () => {
    const { s, agent, fileId, upload } = await withFile();
    const mismatch = await upload(agent.cookie, fakeJpeg(2_000), 'application/pdf');
    expect(mismatch.statusCode).toBe(415);
    expect(mismatch.json().error.code).toBe('document_type_mismatch');
    expect((await upload(agent.cookie, new TextEncoder().encode('GIF89a'), 'image/gif')).statusCode).toBe(
      415,
    );
    const tooLarge = await upload(agent.cookie, fakeJpeg(MAX_DOCUMENT_BYTES + 1), 'image/jpeg');
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('payload_too_large');
    expect((await upload(agent.cookie, fakeJpeg(2_000), 'image/jpeg', '')).statusCode).toBe(400);
    const detail = await s.app.inject({
      url: `/api/v1/staff/files/${fileId}`,
      headers: { cookie: agent.cookie },
    });
    expect(detail.json().documents).toEqual([]);
  });

  it('keeps the scans from the auditor and from anyone not logged in, and 404s another file’s scan', async () => {
    const { s, agent, fileId, upload } = await withFile();
    const auditor = await s.login(await s.enrolled('kossi', ['auditor']));
    const added = (await upload(agent.cookie, fakeJpeg(2_000), 'image/jpeg')).json();
    expect((await upload(auditor.cookie, fakeJpeg(2_000), 'image/jpeg')).statusCode).toBe(403);
    const scanUrl = `/api/v1/staff/files/${fileId}/documents/${added.id}`;
    expect((await s.app.inject({ url: scanUrl, headers: { cookie: auditor.cookie } })).statusCode).toBe(403);
    expect((await s.app.inject({ url: scanUrl })).statusCode).toBe(401);
    const other = await s.app.inject({
      url: `/api/v1/staff/files/0190f0c8-0000-7000-8000-000000000000/documents/${added.id}`,
      headers: { cookie: agent.cookie },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('document_not_found');
  });
});
