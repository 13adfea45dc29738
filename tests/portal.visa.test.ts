import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTrustStore, verifySeal } from '../common/vds/index.js';
import { csrfOf, PortalVisitor, portalNode } from './_util/portal.js';
import { bioPagePdf, installSigner, photoJpeg, photoPng, visaFields } from './node.visas.fixtures.js';

type Node = Awaited<ReturnType<typeof portalNode>>;
const nodes: Node[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

async function setup(): Promise<Node> {
  const node = await portalNode();
  nodes.push(node);
  return node;
}

interface Upload {
  type: string;
  bytes: Uint8Array;
  name: string;
}

/** Opens the form as a browser would, then posts it as multipart with the page's CSRF token. */
async function apply(
  node: Node,
  path: string,
  fields: Record<string, string>,
  files: { photo?: Upload; bioPage?: Upload } = {},
  lang = 'en',
) {
  const visitor = new PortalVisitor(node);
  const page = await visitor.get(`${path}?lang=${lang}`);
  const form = new FormData();
  form.append('_csrf', csrfOf(page.body));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const photo = files.photo ?? { type: 'image/png', bytes: await photoPng(), name: 'photo.png' };
  const bioPage = files.bioPage ?? { type: 'application/pdf', bytes: bioPagePdf(), name: 'passport.pdf' };
  form.append('photo', new Blob([photo.bytes], { type: photo.type }), photo.name);
  form.append('bioPage', new Blob([bioPage.bytes], { type: bioPage.type }), bioPage.name);
  const request = new Request('http://portal/', { method: 'POST', body: form });
  const cookie = ['econsulat_csrf', 'econsulat_lang']
    .map((name) => [name, visitor.cookie(name)])
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  return node.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': request.headers.get('content-type') as string, cookie },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}

/** The form fields of the fixture application, as strings (no kind or lang: the page sets them). */
function formOf(overrides: Record<string, string> = {}): Record<string, string> {
  const { kind: _kind, lang: _lang, ...fields } = visaFields();
  return { ...(fields as Record<string, string>), ...overrides };
}

const count = (node: Node, table: string) =>
  (node.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('the portal’s visa and laissez-passer pages', () => {
  it('shows each form with a multipart upload and no script, in fr and en (and fr, sg, en for a laissez-passer)', async () => {
    const node = await setup();
    for (const [path, langs] of [
      ['/visa', ['fr', 'en']],
      ['/laissez-passer', ['fr', 'sg', 'en']],
    ] as const) {
      for (const lang of langs) {
        const page = await new PortalVisitor(node).get(`${path}?lang=${lang}`);
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(`<html lang="${lang}">`);
        expect(page.body).toContain('enctype="multipart/form-data"');
        expect(page.body).toContain('type="file"');
        expect(page.body).not.toContain('<script');
      }
    }
  });

  it('takes an application and, once issued, gives the PDF to whoever has the tracking number and the secret', async () => {
    const node = await setup();
    const trust = await installSigner(node.config.dataDir);
    const response = await apply(node, '/visa', formOf());
    expect(response.statusCode).toBe(200);
    const tracking = /<strong>([A-Z]{3}-[^<]+)<\/strong>/.exec(response.body)?.[1] as string;
    expect(tracking).toMatch(/^PAR-/);

    const { visas, files } = node.domain;
    const file = files.findByTrackingNumber(tracking);
    const application = visas.ofFile(file?.id as string);
    expect(application?.kind).toBe('visa');
    expect(application?.lang).toBe('en');

    const visitor = new PortalVisitor(node);
    // The application is a file like any other: the portal's tracking finds it.
    await visitor.get('/suivi?lang=en');
    const tracked = await visitor.post('/suivi', { numero: tracking, secret: '' });
    expect(tracked.statusCode).toBe(200);
    expect(tracked.body).toContain(tracking);
    await visitor.get('/visa/document?lang=en');
    const early = await visitor.post('/visa/document', { numero: tracking, secret: '+33 6 12 34 56 78' });
    expect(early.statusCode).toBe(404);
    expect(early.body).toContain('No visa or travel document has been issued for this file yet.');

    const id = application?.id as string;
    visas.prepare(id, 'amina');
    visas.grant(
      id,
      { entries: 1, stayDays: 20, validFrom: '2027-01-05', validUntil: '2027-02-28' },
      'consul',
    );
    const issued = await visas.issue(id, 'amina');

    await visitor.get('/visa/document?lang=en');
    const wrong = await visitor.post('/visa/document', { numero: tracking, secret: '+33 6 00 00 00 00' });
    expect(wrong.statusCode).toBe(403);
    await visitor.get('/visa/document?lang=en');
    const pdf = await visitor.post('/visa/document', { numero: tracking, secret: '+33 6 12 34 56 78' });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(pdf.rawPayload)).getPageCount()).toBe(1);
    const result = await verifySeal(issued.seal as Uint8Array, await loadTrustStore(trust.bundle), {
      now: node.clock.now(),
    });
    expect(result.valid).toBe(true);
  });

  it('takes a laissez-passer application in Sango with a JPEG photo', async () => {
    const node = await setup();
    const { nationality: _n, ...fields } = formOf({
      familyName: 'Yakité',
      passportNumber: 'CF0012345',
      passportCheckDigit: '2',
      passportExpiry: '2025-01-01',
    });
    const response = await apply(
      node,
      '/laissez-passer',
      { ...fields, nationality: 'CAF' },
      {
        photo: { type: 'image/jpeg', bytes: photoJpeg(), name: 'photo.jpg' },
      },
      'sg',
    );
    expect(response.statusCode, response.body.slice(0, 2000)).toBe(200);
    const application = node.domain.visas.list()[0];
    expect(application).toMatchObject({ kind: 'laissez_passer', lang: 'sg', nationality: 'CAF' });
  });
});

describe('the portal refuses a wrong application in the applicant’s language, storing nothing', () => {
  const cases: Array<[string, Record<string, string>, { photo?: Upload }, number, string, string]> = [
    [
      'a wrong MRZ check digit',
      { passportCheckDigit: '3' },
      {},
      422,
      'This check digit does not match the passport number',
      'Ce chiffre de contrôle ne correspond pas',
    ],
    [
      'an expired passport',
      { passportExpiry: '2025-12-31' },
      {},
      422,
      'valid at least six months after the departure date',
      'valable au moins six mois après la date de départ',
    ],
    [
      'a passport expiring too soon',
      { passportExpiry: '2027-05-01' },
      {},
      422,
      'valid at least six months after the departure date',
      'valable au moins six mois après la date de départ',
    ],
    [
      'an oversized photo',
      {},
      { photo: { type: 'image/jpeg', bytes: oversizedJpeg(), name: 'big.jpg' } },
      413,
      'Attach a photo of at most 1 MB.',
      'Joignez une photo de 1 Mo au plus.',
    ],
    [
      'a PNG header on other bytes',
      {},
      { photo: { type: 'image/png', bytes: pngHeaderOnNoise(), name: 'fake.png' } },
      422,
      'The photo must be a real JPEG or PNG image.',
      'La photo doit être une vraie image JPEG ou PNG.',
    ],
    [
      'a text file named .jpg',
      {},
      {
        photo: { type: 'image/jpeg', bytes: new TextEncoder().encode('hello, not a photo'), name: 'me.jpg' },
      },
      422,
      'The photo must be a real JPEG or PNG image.',
      'La photo doit être une vraie image JPEG ou PNG.',
    ],
  ];
  for (const [name, fields, files, status, en, fr] of cases) {
    it(`refuses ${name}`, async () => {
      const node = await setup();
      for (const [lang, message] of [
        ['en', en],
        ['fr', fr],
      ] as const) {
        const response = await apply(node, '/visa', formOf(fields), files, lang);
        expect(response.statusCode).toBe(status);
        expect(response.body).toContain(`<html lang="${lang}">`);
        expect(response.body).toContain(message);
        expect(response.body).toContain('role="alert"');
      }
      expect(count(node, 'visa_applications')).toBe(0);
      expect(count(node, 'files')).toBe(0);
      expect(count(node, 'file_documents')).toBe(0);
    });
  }

  it('refuses a second open application for the same passport', async () => {
    const node = await setup();
    expect((await apply(node, '/visa', formOf())).statusCode).toBe(200);
    const files = count(node, 'files');
    const second = await apply(node, '/visa', formOf({ familyName: 'Other' }), {}, 'fr');
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Une demande pour ce passeport est déjà en cours');
    expect(count(node, 'files')).toBe(files);
    expect(count(node, 'visa_applications')).toBe(1);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const node = await setup();
    const response = await node.app.inject({
      method: 'POST',
      url: '/visa',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'familyName=X',
    });
    expect(response.statusCode).toBe(403);
    expect(count(node, 'files')).toBe(0);
  });
});

function oversizedJpeg(): Uint8Array {
  const bytes = new Uint8Array(1024 * 1024 + 10);
  bytes.set(photoJpeg());
  bytes.set([0xff, 0xd9], bytes.length - 2);
  return bytes;
}

function pngHeaderOnNoise(): Uint8Array {
  const bytes = new Uint8Array(3000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 41) & 0xff;
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}
