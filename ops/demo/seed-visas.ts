import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Domain } from '../../node/services/domain.js';
import type { VisaFields } from '../../node/services/visas/visa-schema.js';
import { specimenPdf } from './specimen-pdf.js';

/** A specimen document of the demo, as demo.json lists it. */
export interface DemoVisa {
  readonly kind: 'visa' | 'laissez_passer';
  readonly trackingNumber: string;
  readonly documentNumber: string;
  /** The whole seal (header, message zone, signature) in hex: what `econsulat visa verify` takes. */
  readonly sealHex: string;
  /** The printed A4 PDF with the DataMatrix. */
  readonly pdf: string;
}

/**
 * Issues one specimen visa and one specimen laissez-passer at the mission, the whole way: applied
 * for as on the portal, prepared by an agent, granted by the consul, issued with the mission's
 * signer key; each PDF written to `outDir`.
 */
export async function issueDemoVisas(domain: Domain, outDir: string, now = new Date()): Promise<DemoVisa[]> {
  await mkdir(outDir, { recursive: true });
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const stay = { passportExpiry: day(5 * 365), arrivalDate: day(30), departureDate: day(50) };
  const specimens: VisaFields[] = [
    {
      kind: 'visa',
      lang: 'en',
      passportNumber: 'SPEC12345',
      passportCheckDigit: '2',
      nationality: 'SEN',
      familyName: 'Specimen',
      givenNames: 'Awa',
      birthDate: '1990-03-14',
      sex: 'F',
      purpose: 'Specimen: business meetings in Bangui',
      phone: '+33612345678',
      ...stay,
    },
    {
      kind: 'laissez_passer',
      lang: 'sg',
      passportNumber: 'CF0012345',
      passportCheckDigit: '2',
      nationality: 'CAF',
      familyName: 'Specimen',
      givenNames: 'Jean-Baptiste',
      birthDate: '1985-04-12',
      sex: 'M',
      purpose: 'Specimen: passport lost in Paris, return to Bangui',
      phone: '+33698765432',
      ...stay,
      passportExpiry: day(-30),
    },
  ];
  const issued: DemoVisa[] = [];
  for (const fields of specimens) {
    const { application } = await domain.visas.submit({
      fields,
      photo: { contentType: 'image/png', bytes: silhouettePng() },
      bioPage: { contentType: 'application/pdf', bytes: specimenPdf(['SPECIMEN', 'Passport identity page']) },
    });
    domain.visas.prepare(application.id, 'agent:demo');
    domain.visas.grant(
      application.id,
      { entries: 1, stayDays: 20, validFrom: day(0), validUntil: day(60) },
      'consul:demo',
    );
    const document = await domain.visas.issue(application.id, 'agent:demo');
    const pdf = join(outDir, `${document.documentNumber}.pdf`);
    await writeFile(pdf, await domain.visas.pdf(application.id));
    issued.push({
      kind: document.kind,
      trackingNumber: document.trackingNumber,
      documentNumber: document.documentNumber as string,
      sealHex: Buffer.from(document.seal as Uint8Array)
        .toString('hex')
        .toUpperCase(),
      pdf,
    });
  }
  return issued;
}

/** A 90 × 120 greyscale PNG of a head and shoulders, standing for the holder's photo. */
function silhouettePng(): Uint8Array {
  const width = 90;
  const height = 120;
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) {
      const head = (x - 45) ** 2 / 18 ** 2 + (y - 45) ** 2 / 24 ** 2 <= 1;
      const shoulders = y > 78 && (x - 45) ** 2 / 40 ** 2 + (y - 125) ** 2 / 45 ** 2 <= 1;
      rows.push(head || shoulders ? 90 : 225);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, no filter choice, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
