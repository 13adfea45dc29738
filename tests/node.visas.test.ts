import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { PDFDocument, PDFName, type PDFNumber, PDFRawStream } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSeal, loadTrustStore, verifySeal } from '../common/vds/index.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { createCatalogueService } from '../node/services/catalogue/catalogue-service.js';
import { VisaError } from '../node/services/visas/errors.js';
import { dataMatrixPng } from '../node/services/visas/visa-datamatrix.js';
import type { VisaApplicationInput } from '../node/services/visas/visa-schema.js';
import { createVisaService, type VisaService } from '../node/services/visas/visa-service.js';
import { decodeDataMatrix } from '../ops/commands/visa-verify-input.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';
import {
  bioPagePdf,
  laissezPasserFields,
  NOW,
  photoJpeg,
  photoPng,
  testTrust,
  visaFields,
} from './node.visas.fixtures.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<{
  node: TestNode;
  visas: VisaService;
  trust: Awaited<ReturnType<typeof testTrust>>;
}> {
  const node = await buildTestNode({ now: () => NOW });
  cleanups.push(node.cleanup);
  const trust = await testTrust();
  const visas = createVisaService({
    store: node.store,
    files: node.domain.files,
    payments: node.domain.payments,
    catalogue: createCatalogueService({ store: node.store }),
    signer: async () => trust.signer,
    missionName: 'Ambassade de Centrafrique à Paris',
    currency: 'EUR',
    now: () => NOW,
  });
  return { node, visas, trust };
}

async function application(overrides: Partial<VisaApplicationInput> = {}): Promise<VisaApplicationInput> {
  return {
    fields: visaFields(),
    photo: { contentType: 'image/png', bytes: await photoPng() },
    bioPage: { contentType: 'application/pdf', bytes: bioPagePdf() },
    ...overrides,
  };
}

/** What the application tables and the files hold: a refusal must leave them as they were. */
function counts(node: TestNode) {
  const count = (table: string) =>
    (node.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    visas: count('visa_applications'),
    files: count('files'),
    people: count('people'),
    documents: count('file_documents'),
    invoices: count('invoices'),
  };
}

async function refusalOf(visas: VisaService, input: VisaApplicationInput): Promise<VisaError> {
  const error = await visas.submit(input).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VisaError);
  return error as VisaError;
}

describe('visa applications, from the portal to the printed seal', () => {
  it('takes a visa application as a file with its tracking number, its documents and the fee invoice', async () => {
    const { node, visas } = await setup();
    const { application: submitted, invoiceId } = await visas.submit(await application());
    expect(submitted.state).toBe('submitted');
    expect(submitted.trackingNumber).toMatch(/^PAR-/);
    const file = node.domain.files.get(submitted.fileId);
    expect(file?.serviceCode).toBe('visa-short-stay');
    expect(node.domain.files.documents(submitted.fileId).map((doc) => doc.contentType)).toEqual([
      'image/png',
      'application/pdf',
    ]);
    const invoice = node.domain.payments.getInvoice(invoiceId);
    expect(invoice).toMatchObject({ fileId: submitted.fileId, currency: 'EUR', state: 'open' });
    // The passport number is stored encrypted: its plain text is nowhere in the row.
    const row = node.store.db.prepare('SELECT * FROM visa_applications').get() as Record<string, unknown>;
    expect(JSON.stringify(Object.values(row).map(String))).not.toContain('A01234567');
    expect(submitted.passportNumber).toBe('A01234567');
  });

  it('prepares, grants, issues a visa whose seal verifies and whose PDF carries the same seal in its DataMatrix', async () => {
    const { node, visas, trust } = await setup();
    const { application: submitted } = await visas.submit(await application());
    visas.prepare(submitted.id, 'amina');
    visas.grant(
      submitted.id,
      { visaType: '01', entries: 1, stayDays: 30, validFrom: '2027-01-01', validUntil: '2027-03-31' },
      'consul',
    );
    const issued = await visas.issue(submitted.id, 'amina');
    expect(issued.state).toBe('issued');
    expect(issued.documentNumber).toBe('VPA260001');
    expect(node.domain.files.get(submitted.fileId)?.state).toBe('ready');

    const store = await loadTrustStore(trust.bundle);
    const result = await verifySeal(issued.seal as Uint8Array, store, { now: NOW });
    expect(result.valid).toBe(true);
    const seal = decodeSeal(issued.seal as Uint8Array);
    expect([seal.header.featureDefinitionReference, seal.header.documentTypeCategory]).toEqual([0x5d, 0x01]);
    expect(seal.header).toMatchObject({
      issuingCountry: 'CAF',
      signerIdentifier: 'CFPA',
      documentIssueDate: '2026-12-06',
    });
    expect(seal.content).toMatchObject({
      kind: 'visa',
      passportNumber: 'A01234567',
      numberOfEntries: 1,
      durationOfStay: { days: 30, months: 0, years: 0 },
      visaType: '01',
    });

    const pdf = await PDFDocument.load(await visas.pdf(submitted.id));
    expect(pdf.getPageCount()).toBe(1);
    const [width, height] = [pdf.getPage(0).getWidth(), pdf.getPage(0).getHeight()];
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    const images = embeddedImages(pdf);
    expect(images.length).toBe(2); // the photo and the DataMatrix
    // The DataMatrix as the PDF holds it (pixels, re-wrapped as a PNG), read by zxing-wasm from
    // node_modules with no network: its bytes are the stored seal's.
    const fromPdf = await Promise.all(images.map((image) => imageAsPng(image)));
    const decoded = await firstDataMatrix(fromPdf);
    expect(Buffer.from(decoded).equals(Buffer.from(issued.seal as Uint8Array))).toBe(true);
    // The same through the PNG the PDF was made from.
    const direct = await decodeDataMatrix(new Uint8Array(await dataMatrixPng(issued.seal as Uint8Array)));
    expect(Buffer.from(direct).equals(Buffer.from(issued.seal as Uint8Array))).toBe(true);

    const actions = node.store.db
      .prepare("SELECT action FROM audit_log WHERE entity = 'visa_application' ORDER BY seq")
      .all()
      .map((row) => (row as { action: string }).action);
    expect(actions).toEqual(['visa.submitted', 'visa.prepared', 'visa.granted', 'visa.issued']);
    expect(verifyAuditChain(node.store.db).ok).toBe(true);
  });

  it('issues a laissez-passer (TD2 MRZ, seal 0x5E03) to a national, with a JPEG photo', async () => {
    const { visas, trust } = await setup();
    const { application: submitted } = await visas.submit(
      await application({
        fields: laissezPasserFields(),
        photo: { contentType: 'image/jpeg', bytes: photoJpeg() },
      }),
    );
    visas.prepare(submitted.id, 'amina');
    visas.grant(
      submitted.id,
      { entries: 1, stayDays: 30, validFrom: '2026-12-06', validUntil: '2027-01-06' },
      'consul',
    );
    const issued = await visas.issue(submitted.id, 'amina');
    expect(issued.documentNumber).toBe('LPA260001');
    const seal = decodeSeal(issued.seal as Uint8Array);
    expect([seal.header.featureDefinitionReference, seal.header.documentTypeCategory]).toEqual([0x5e, 0x03]);
    expect(seal.content.kind).toBe('emergency_travel_document');
    if (seal.content.kind === 'emergency_travel_document')
      expect(seal.content.mrz.line1).toMatch(/^I<CAFYAKITE<<JEAN<BAPTISTE/);
    const result = await verifySeal(issued.seal as Uint8Array, await loadTrustStore(trust.bundle), {
      now: NOW,
    });
    expect(result.valid).toBe(true);
    const pdf = await PDFDocument.load(await visas.pdf(submitted.id));
    expect(embeddedImages(pdf).length).toBe(2);
  });

  it('asks for more information, then refuses with a reason from the list, closing the passport', async () => {
    const { node, visas } = await setup();
    const { application: submitted } = await visas.submit(await application());
    const asked = visas.requestMoreInfo(submitted.id, 'The hotel booking is missing', 'amina');
    expect(asked).toMatchObject({
      state: 'more_info_requested',
      infoRequest: 'The hotel booking is missing',
    });
    expect(node.domain.files.get(submitted.fileId)?.state).toBe('awaiting_documents');
    expect(() => visas.refuse(submitted.id, 'because', 'consul')).toThrow();
    const refused = visas.refuse(submitted.id, 'purpose_not_justified', 'consul');
    expect(refused).toMatchObject({ state: 'refused', refusalReason: 'purpose_not_justified' });
    expect(node.domain.files.get(submitted.fileId)?.state).toBe('rejected');
    await expect(visas.issue(submitted.id, 'amina')).rejects.toMatchObject({ code: 'visa_wrong_state' });
    // Refused, the passport may apply again.
    const again = await visas.submit(await application());
    expect(again.application.state).toBe('submitted');
  });

  it('refuses a grant before the agent prepared the application', async () => {
    const { visas } = await setup();
    const { application: submitted } = await visas.submit(await application());
    expect(() =>
      visas.grant(
        submitted.id,
        { entries: 1, stayDays: 30, validFrom: '2027-01-01', validUntil: '2027-02-01' },
        'c',
      ),
    ).toThrow(VisaError);
  });
});

describe('refused applications leave nothing stored', () => {
  const cases: Array<[string, () => Promise<VisaApplicationInput>, string, string]> = [
    [
      'a wrong passport check digit',
      async () => application({ fields: visaFields({ passportCheckDigit: '3' }) }),
      'visa_bad_check_digit',
      'passportCheckDigit',
    ],
    [
      'an expired passport',
      async () => application({ fields: visaFields({ passportExpiry: '2026-01-01' }) }),
      'visa_passport_expiry',
      'passportExpiry',
    ],
    [
      'a passport expiring less than six months after the stay',
      async () => application({ fields: visaFields({ passportExpiry: '2027-07-29' }) }),
      'visa_passport_expiry',
      'passportExpiry',
    ],
    [
      'a photo over 1 MB',
      async () => application({ photo: { contentType: 'image/jpeg', bytes: bigJpeg() } }),
      'visa_photo_too_large',
      'photo',
    ],
    [
      'a PNG header on other bytes',
      async () => application({ photo: { contentType: 'image/png', bytes: pngHeaderOnNoise() } }),
      'visa_photo_type',
      'photo',
    ],
    [
      'a text file named .jpg',
      async () =>
        application({
          photo: { contentType: 'image/jpeg', bytes: new TextEncoder().encode('not a photo at all') },
        }),
      'visa_photo_type',
      'photo',
    ],
    [
      'a JPEG declared as PNG',
      async () => application({ photo: { contentType: 'image/png', bytes: photoJpeg() } }),
      'visa_photo_type',
      'photo',
    ],
    [
      'a bio page that is a text file',
      async () =>
        application({
          bioPage: { contentType: 'application/pdf', bytes: new TextEncoder().encode('hello') },
        }),
      'visa_scan_refused',
      'bioPage',
    ],
  ];
  for (const [name, input, code, field] of cases) {
    it(`refuses ${name}`, async () => {
      const { node, visas } = await setup();
      const before = counts(node);
      const error = await refusalOf(visas, await input());
      expect(error.code).toBe(code);
      expect(error.field).toBe(field);
      expect(counts(node)).toEqual(before);
    });
  }

  it('refuses a second open application for the same passport, however it is typed', async () => {
    const { node, visas } = await setup();
    await visas.submit(await application());
    const before = counts(node);
    const error = await refusalOf(
      visas,
      await application({ fields: visaFields({ passportNumber: 'a0123 4567', familyName: 'Other' }) }),
    );
    expect(error.code).toBe('visa_application_open');
    expect(counts(node)).toEqual(before);
  });

  it('the database refuses a second open application even if the service check were skipped', async () => {
    const { node, visas } = await setup();
    const { application: first } = await visas.submit(await application());
    const row = node.store.db.prepare('SELECT * FROM visa_applications WHERE id = ?').get(first.id) as Record<
      string,
      unknown
    >;
    const copy = { ...row, id: 'second', file_id: row.file_id, document_number: null };
    const columns = Object.keys(copy);
    expect(() =>
      node.store.db
        .prepare(
          `INSERT INTO visa_applications (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        )
        .run(...Object.values(copy)),
    ).toThrow(/UNIQUE/);
  });
});

function bigJpeg(): Uint8Array {
  const bytes = new Uint8Array(1024 * 1024 + 1);
  bytes.set(photoJpeg());
  bytes.set([0xff, 0xd9], bytes.length - 2);
  return bytes;
}

function pngHeaderOnNoise(): Uint8Array {
  const bytes = new Uint8Array(2000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) & 0xff;
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}

/** The first DataMatrix found among images (the photo has none). */
async function firstDataMatrix(pngs: Uint8Array[]): Promise<Uint8Array> {
  for (const png of pngs) {
    const found = await decodeDataMatrix(png).catch(() => undefined);
    if (found) return found;
  }
  throw new Error('no DataMatrix in the PDF');
}

/**
 * An image XObject of the PDF as a PNG: pdf-lib stores a PNG's pixels deflated (RGB or grey, 8
 * bits, its alpha in a separate soft mask), which a PNG of colour type 2 or 0 and filter 0 per row
 * carries as they are.
 */
function imageAsPng(image: PDFRawStream): Uint8Array {
  const width = (image.dict.get(PDFName.of('Width')) as PDFNumber).asNumber();
  const height = (image.dict.get(PDFName.of('Height')) as PDFNumber).asNumber();
  const colours = image.dict.get(PDFName.of('ColorSpace')) === PDFName.of('DeviceGray') ? 1 : 3;
  const filter = image.dict.get(PDFName.of('Filter'));
  if (filter !== PDFName.of('FlateDecode')) return new Uint8Array(); // the JPEG photo
  const pixels = inflateSync(image.contents);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++)
    rows.push(Buffer.from([0]), pixels.subarray(y * width * colours, (y + 1) * width * colours));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colours === 1 ? 0 : 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** The image XObjects of a PDF. */
function embeddedImages(pdf: PDFDocument): PDFRawStream[] {
  return pdf.context
    .enumerateIndirectObjects()
    .map(([, object]) => object)
    .filter(
      (object): object is PDFRawStream =>
        object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'),
    );
}
