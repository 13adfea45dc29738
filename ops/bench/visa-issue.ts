import { deflateSync, gzipSync } from 'node:zlib';
import { certificateReferenceOf, createCscaCertificate, loadTrustStore } from '../../common/vds/index.js';
import { generateSealKeys, issueSignerCertificate } from '../../common/vds/pki.js';
import {
  buildVerifierPage,
  VERIFIER_PAGE_FILES,
  type VerifierPageVariant,
} from '../../common/vds/verifier/build-verifier-page.js';
import { verifySeal } from '../../common/vds/verify.js';
import { dataMatrixPng } from '../../node/services/visas/visa-datamatrix.js';
import { renderVisaPdf } from '../../node/services/visas/visa-pdf.js';
import type { VisaApplication } from '../../node/services/visas/visa-schema.js';
import { sealDocument } from '../../node/services/visas/visa-seal.js';
import type { VisaSigner } from '../../node/services/visas/visa-signer.js';
import { figure, median } from './measure.js';

// Issuing a visa as the node does it (node/services/visas: visa-seal.ts then visa-pdf.ts): the MRZ
// and the seal signed with ECDSA P-256, its DataMatrix drawn by bwip-js, the A4 PDF with the photo
// by pdf-lib. Beside it, as its baseline, the rate of seal verification on the same seals, and the
// size of the two variants of the offline verifier page.

const WARM_UP = 10;
const ROUNDS = 7;
const PER_ROUND = 15;
const VERIFY_MS = 400;

/** A granted application of the tests' shape, ready to issue. */
function grantedApplication(): VisaApplication {
  return {
    id: 'bench',
    fileId: 'bench-file',
    trackingNumber: 'PAR-2026-000001-X',
    kind: 'visa',
    state: 'granted',
    lang: 'fr',
    passportNumber: 'A01234567',
    passportExpiry: '2030-05-01',
    nationality: 'SEN',
    familyName: 'Ndiaye',
    givenNames: 'Awa Marie',
    birthDate: '1990-03-14',
    sex: 'F',
    arrivalDate: '2027-01-10',
    departureDate: '2027-01-30',
    purpose: 'Business meetings in Bangui',
    photoDocumentId: 'photo',
    bioPageDocumentId: 'bio',
    infoRequest: null,
    preparedBy: 'amina',
    decidedBy: 'kossi',
    decidedAt: '2026-12-05T10:00:00Z',
    visaType: '01',
    entries: 1,
    stayDays: 30,
    validFrom: '2027-01-05',
    validUntil: '2027-02-28',
    refusalReason: null,
    documentNumber: 'VPA260001',
    seal: null,
    issuedAt: '2026-12-06T09:00:00Z',
    submittedAt: '2026-12-01T09:00:00Z',
  };
}

/**
 * An identity photo as the portal may take it, 35 × 45 mm at 300 dpi (413 × 531), a PNG of
 * gradients with grain: pdf-lib inflates and deflates a PNG again, its dearest case.
 */
function photoPng(): Uint8Array {
  const [width, height] = [413, 531];
  const rows: Buffer[] = [];
  let seed = 7;
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const grain = seed & 7;
      row.set([(x / 2 + grain) & 0xff, (y / 3 + grain) & 0xff, ((x + y) / 4 + grain) & 0xff], 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A JPEG of the same size as the portal takes most photos: pdf-lib reads its frame header for the
 * size and copies the bytes as they are, so only its length matters here — 180 KB, in comment
 * segments after a baseline frame header.
 */
function photoJpeg(): Uint8Array {
  const comment = (length: number) => {
    const segment = Buffer.alloc(4 + length, 0x41);
    segment.set([0xff, 0xfe, ((length + 2) >> 8) & 0xff, (length + 2) & 0xff]);
    return segment;
  };
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00]),
    Buffer.from([0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    comment(60_000),
    comment(60_000),
    comment(60_000),
    Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x13, 0x01, 0x9d, 0x03]),
    Buffer.from([0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9]),
  ]);
}

// node:zlib's crc32 arrived in Node 20.15/22.2: written out so the bench runs on any Node 20.
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function signerAndTrust() {
  const cscaKeys = await generateSealKeys();
  const csca = {
    keys: cscaKeys,
    certificate: await createCscaCertificate({
      keys: cscaKeys,
      serialNumber: '0c5ca1',
      name: 'C=CF, CN=CSCA CAF bench',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2037-01-01T00:00:00Z'),
    }),
  };
  const keys = await generateSealKeys();
  const certificate = await issueSignerCertificate({
    csca,
    signerIdentifier: 'CFPA',
    serialNumber: '1a2b',
    publicKey: keys.publicKey,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2032-06-01T00:00:00Z'),
  });
  const signer: VisaSigner = {
    privateKey: keys.privateKey,
    signerIdentifier: 'CFPA',
    certificateReference: certificateReferenceOf(certificate),
  };
  const trust = await loadTrustStore({
    format: 'econsulat-vds-trust/1',
    issuedAt: '2026-12-05T12:00:00Z',
    cscaCertificates: [csca.certificate.toString('pem')],
    signerCertificates: [certificate.toString('pem')],
    revokedSigners: [],
    revokedDocuments: [],
  });
  return { signer, trust };
}

interface Photo {
  readonly contentType: 'image/png' | 'image/jpeg';
  readonly bytes: Uint8Array;
}

/** Milliseconds of one issuance: seal, then the PDF with its DataMatrix and the photo. */
async function issueOnce(application: VisaApplication, signer: VisaSigner, photo: Photo) {
  const start = process.hrtime.bigint();
  const { mrz, seal } = await sealDocument(application, 'VPA260001', signer, '2026-12-06');
  const pdf = await renderVisaPdf({
    application: { ...application, seal, state: 'issued' },
    mrz,
    seal,
    photo,
    missionName: 'Ambassade de la République centrafricaine à Paris',
  });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, seal, pdfBytes: pdf.length };
}

async function verifiesPerSecond(seal: Uint8Array, trust: Awaited<ReturnType<typeof loadTrustStore>>) {
  const now = new Date('2026-12-10T09:00:00Z');
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(VERIFY_MS) * 1_000_000n;
  let at = start;
  while (at < deadline) {
    for (let i = 0; i < 10; i++) {
      if (!(await verifySeal(seal, trust, { now })).valid) throw new Error('the bench seal does not verify');
    }
    count += 10;
    at = process.hrtime.bigint();
  }
  return count / (Number(at - start) / 1e9);
}

/** Medians of `ROUNDS × PER_ROUND` issuances with one photo, after a warm-up. */
async function issuanceTimes(application: VisaApplication, signer: VisaSigner, photo: Photo) {
  for (let i = 0; i < WARM_UP; i++) await issueOnce(application, signer, photo);
  const times: number[] = [];
  let last = await issueOnce(application, signer, photo);
  for (let i = 0; i < ROUNDS * PER_ROUND; i++) {
    last = await issueOnce(application, signer, photo);
    times.push(last.ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
  return { median: median(times), p95, last };
}

/** Median milliseconds of `fn` over `count` calls. */
async function medianMs(fn: () => Promise<unknown>, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** `npm run bench -- visa-issue`: issuance latency, verification rate, verifier page sizes. */
export async function benchVisaIssue(): Promise<void> {
  const { signer, trust } = await signerAndTrust();
  const application = grantedApplication();
  const photos: Photo[] = [
    { contentType: 'image/jpeg', bytes: photoJpeg() },
    { contentType: 'image/png', bytes: photoPng() },
  ];
  console.log(
    'visa-issue: seal (ECDSA P-256) + DataMatrix (bwip-js) + A4 PDF with photo (pdf-lib), one at a time',
  );
  console.log(
    `${ROUNDS * PER_ROUND} issuances per photo after ${WARM_UP} to warm up; node ${process.version}`,
  );
  let seal: Uint8Array = new Uint8Array();
  for (const photo of photos) {
    const { median: ms, p95, last } = await issuanceTimes(application, signer, photo);
    seal = last.seal;
    console.log(
      `issue with a ${photo.contentType === 'image/png' ? 'PNG' : 'JPEG'} photo 413 × 531 of ${figure(photo.bytes.length)} B: median ${ms.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms a visa (target ≤ 200 ms); PDF ${figure(last.pdfBytes)} B`,
    );
  }
  const sealMs = await medianMs(() => sealDocument(application, 'VPA260001', signer, '2026-12-06'), 50);
  const matrixMs = await medianMs(() => dataMatrixPng(seal), 50);
  console.log(
    `  of which: seal ${sealMs.toFixed(2)} ms, DataMatrix PNG ${matrixMs.toFixed(2)} ms (seal ${seal.length} B)`,
  );
  const verify: number[] = [];
  for (let round = 0; round < ROUNDS; round++) verify.push(await verifiesPerSecond(seal, trust));
  console.log(`verify (baseline): ${figure(median(verify))} seals/s (target ≥ 1,000/s)`);
  for (const variant of ['hex', 'reader'] as VerifierPageVariant[]) {
    const page = Buffer.from(await buildVerifierPage(variant));
    const gzipped = gzipSync(page, { level: 9 }).length;
    const target = variant === 'hex' ? '≤ 300 KB' : '≤ 2 MB';
    console.log(
      `verifier page ${VERIFIER_PAGE_FILES[variant]}: ${figure(page.length)} B (${(page.length / 1024).toFixed(0)} KiB), ${figure(gzipped)} B gzipped (target ${target})`,
    );
  }
}
