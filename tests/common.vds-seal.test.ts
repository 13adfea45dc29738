import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../common/vds/bytes.js';
import {
  buildEtdMrz,
  buildVisaMrz,
  decodeSeal,
  encodeEtdSealBody,
  encodeVisaSealBody,
  generateSealKeys,
  hasValidSignature,
  signEtdSeal,
  signVisaSeal,
  VdsInputError,
  VdsMalformedError,
} from '../common/vds/index.js';
import { appendSignature } from '../common/vds/seal.js';
import vectors from './fixtures/vds/own-vectors.json' with { type: 'json' };

const header = {
  signerIdentifier: 'CFPA',
  certificateReference: '1A2B',
  documentIssueDate: '2026-11-02',
  signatureCreationDate: '2026-11-02',
};

const visaMrz = buildVisaMrz({
  surname: 'Ndiaye',
  givenNames: 'Awa Marie',
  documentNumber: 'CF2600001',
  nationality: 'SEN',
  birthDate: '1988-07-14',
  sex: 'F',
  expiryDate: '2027-02-01',
});

describe('our own vectors (tests/fixtures/vds/own-vectors.json)', () => {
  it('encodes the same bodies byte for byte', () => {
    expect(buildVisaMrz(vectors.visa.mrzInput as never)).toEqual(vectors.visa.input.mrz);
    expect(toHex(encodeVisaSealBody(vectors.visa.input))).toBe(vectors.visa.bodyHex);
    const etd = vectors.emergencyTravelDocument;
    expect(buildEtdMrz(etd.mrzInput as never)).toEqual(etd.input.mrz);
    expect(toHex(encodeEtdSealBody(etd.input))).toBe(etd.bodyHex);
  });

  it('lays out the header as Doc 9303-13 version 4 does', () => {
    const body = vectors.visa.bodyHex;
    expect(body.slice(0, 4)).toBe('DC03'); // magic, version 4
    expect(body.slice(4, 8)).toBe('6644'); // CAF in C40
    expect(body.slice(8, 24)).toBe('671658292177FE43'); // CFPA, 04, 1A2B
    expect(body.slice(24, 36)).toBe('A82ECAA82ECA'); // 11022026 twice
    expect(body.slice(36, 40)).toBe('5D01'); // visa
  });

  it('verifies the stored signatures with the stored public key', async () => {
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      vectors.publicKeyJwk,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    for (const sealHex of [vectors.visa.sealHex, vectors.emergencyTravelDocument.sealHex]) {
      const seal = decodeSeal(fromHex(sealHex));
      expect(await hasValidSignature(seal, publicKey)).toBe(true);
    }
  });
});

describe('seal round trips', () => {
  it('signs a visa and decodes what was written', async () => {
    const keys = await generateSealKeys();
    const bytes = await signVisaSeal(
      {
        header,
        mrz: visaMrz,
        numberOfEntries: 0,
        durationOfStay: { days: 90, months: 0, years: 0 },
        passportNumber: 'a0123456',
        visaType: 'C1',
      },
      keys.privateKey,
    );
    const seal = decodeSeal(bytes);
    expect(seal.header).toEqual({
      version: 4,
      issuingCountry: 'CAF',
      ...header,
      featureDefinitionReference: 0x5d,
      documentTypeCategory: 0x01,
    });
    expect(seal.content).toMatchObject({
      kind: 'visa',
      mrz: { format: 'MRV-B', line1: visaMrz.line1, line2: visaMrz.line2.slice(0, 28), surname: 'NDIAYE' },
      numberOfEntries: 0,
      durationOfStay: { days: 90, months: 0, years: 0 },
      passportNumber: 'A0123456',
      visaType: 'C1',
    });
    expect(seal.signature).toHaveLength(64);
    expect(await hasValidSignature(seal, keys.publicKey)).toBe(true);
  });

  it('signs a laissez-passer and decodes its whole TD2 MRZ', async () => {
    const keys = await generateSealKeys();
    const mrz = buildEtdMrz({
      surname: 'Yakité',
      givenNames: 'Bienvenu',
      documentNumber: 'LP2600017',
      nationality: 'CAF',
      birthDate: '1985-04-12',
      sex: 'M',
      expiryDate: '2026-12-02',
    });
    const seal = decodeSeal(await signEtdSeal({ header, mrz }, keys.privateKey));
    expect(seal.header.featureDefinitionReference).toBe(0x5e);
    expect(seal.header.documentTypeCategory).toBe(0x03);
    expect(seal.content).toMatchObject({ kind: 'emergency_travel_document', mrz: { format: 'TD2', ...mrz } });
  });

  it('round-trips any valid visa', () => {
    const name = fc.stringMatching(/^[A-Z][A-Za-zéèïô' -]{0,30}$/);
    const date = fc
      .date({
        min: new Date('1930-01-01T00:00:00Z'),
        max: new Date('2069-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    const day = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        fc.record({
          surname: name,
          givenNames: name,
          documentNumber: fc.stringMatching(/^[A-Z0-9]{1,9}$/),
          nationality: fc.constantFrom('FRA', 'CMR', 'D<<', 'UTO', 'CAF'),
          birthDate: date,
          sex: fc.constantFrom('F', 'M', 'X'),
          expiryDate: date,
          optionalData: fc.stringMatching(/^[A-Z0-9<]{0,8}$/),
        }),
        fc.record({
          signerIdentifier: fc.stringMatching(/^CF[A-Z0-9]{2}$/),
          certificateReference: fc.stringMatching(/^[0-9A-F]{1,40}$/),
          documentIssueDate: date,
          signatureCreationDate: date,
        }),
        fc.integer({ min: 0, max: 255 }),
        fc.record({ days: day, months: day, years: day }),
        fc.stringMatching(/^[A-Z0-9]{1,9}$/),
        fc.option(fc.stringMatching(/^([0-9A-F]{2}){1,4}$/), { nil: undefined }),
        (mrzInput, headerInput, numberOfEntries, durationOfStay, passportNumber, visaType) => {
          const mrz = buildVisaMrz(mrzInput);
          const body = encodeVisaSealBody({
            header: headerInput,
            mrz,
            numberOfEntries,
            durationOfStay,
            passportNumber,
            visaType,
          });
          const seal = decodeSeal(appendSignature(body, new Uint8Array(64).fill(7)));
          expect(seal.header).toMatchObject(headerInput);
          if (seal.content.kind !== 'visa') throw new Error('not a visa');
          expect(seal.content.mrz.line1).toBe(mrz.line1);
          expect(seal.content.mrz.line2).toBe(mrz.line2.slice(0, 28));
          expect(seal.content.mrz.fields.documentNumber).toBe(mrzInput.documentNumber);
          expect(seal.content.mrz.fields.checkDigitsValid).toBe(true);
          expect(seal.content.numberOfEntries).toBe(numberOfEntries);
          expect(seal.content.durationOfStay).toEqual(durationOfStay);
          expect(seal.content.passportNumber).toBe(passportNumber);
          expect(seal.content.visaType).toBe(visaType ?? null);
          expect(toHex(seal.signedBytes)).toBe(toHex(body));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips any valid laissez-passer', () => {
    const date = fc
      .date({
        min: new Date('1930-01-01T00:00:00Z'),
        max: new Date('2069-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        fc.record({
          surname: fc.stringMatching(/^[A-Z][a-zé -]{0,40}$/),
          givenNames: fc.stringMatching(/^[A-Za-zï]{0,20}$/),
          documentNumber: fc.stringMatching(/^[A-Z0-9]{1,9}$/),
          nationality: fc.constant('CAF'),
          birthDate: date,
          sex: fc.constantFrom('F', 'M', 'X'),
          optionalData: fc.stringMatching(/^[A-Z0-9<]{0,7}$/),
        }),
        date,
        // A YYMMDD expiry reads back within 50 years of the issue date.
        fc.integer({ min: -40 * 365, max: 40 * 365 }),
        (fields, issued, expiryOffsetDays) => {
          const expiryDate = new Date(Date.parse(issued) + expiryOffsetDays * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const mrzInput = { ...fields, expiryDate };
          const mrz = buildEtdMrz(mrzInput);
          const body = encodeEtdSealBody({
            header: { ...header, documentIssueDate: issued, signatureCreationDate: issued },
            mrz,
          });
          const seal = decodeSeal(appendSignature(body, new Uint8Array(64)));
          if (seal.content.kind !== 'emergency_travel_document') throw new Error('not an ETD');
          expect({ line1: seal.content.mrz.line1, line2: seal.content.mrz.line2 }).toEqual(mrz);
          expect(seal.content.mrz.fields.documentNumber).toBe(mrzInput.documentNumber);
          expect(seal.content.mrz.fields.expiryDate).toBe(mrzInput.expiryDate);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a coded refusal on arbitrary bytes', () => {
    const body = fromHex(vectors.visa.sealHex);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .uint8Array({ maxLength: 120 })
            .map((tail) => Uint8Array.from([...body.subarray(0, 18), ...tail])),
        ),
        (bytes) => {
          try {
            decodeSeal(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(VdsMalformedError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('refusals of the encoder and the decoder', () => {
  it('refuses a visa MRZ whose check digits do not hold, and a passport number too long', () => {
    const input = {
      header,
      mrz: { ...visaMrz, line2: `${visaMrz.line2.slice(0, 9)}0${visaMrz.line2.slice(10)}` },
      numberOfEntries: 1,
      durationOfStay: { days: 30, months: 0, years: 0 },
      passportNumber: 'A0123456',
    };
    expect(() => encodeVisaSealBody(input)).toThrow(VdsInputError);
    expect(() => encodeVisaSealBody({ ...input, mrz: visaMrz, passportNumber: 'A01234567890' })).toThrow(
      VdsInputError,
    );
    expect(() =>
      encodeVisaSealBody({ ...input, mrz: visaMrz, header: { ...header, signerIdentifier: 'C' } }),
    ).toThrow(/signerIdentifier/);
  });

  const reasonOf = (hex: string) => {
    try {
      decodeSeal(fromHex(hex));
      return 'decoded';
    } catch (error) {
      return (error as VdsMalformedError).reason;
    }
  };
  const seal = vectors.visa.sealHex;
  const body = vectors.visa.bodyHex;

  it('names the rule a malformed seal breaks', () => {
    expect(reasonOf('')).toBe('truncated');
    expect(reasonOf(`DD${seal.slice(2)}`)).toBe('bad_magic');
    expect(reasonOf(`DC04${seal.slice(4)}`)).toBe('unsupported_version');
    expect(reasonOf(seal.slice(0, 30))).toBe('truncated');
    expect(reasonOf(`${seal.slice(0, 24)}FFFFFF${seal.slice(30)}`)).toBe('bad_date');
    expect(reasonOf(body)).toBe('missing_signature');
    expect(reasonOf(`${seal}00`)).toBe('trailing_bytes');
    expect(reasonOf(`${seal.slice(0, -2)}`)).toBe('truncated');
    expect(reasonOf(`${body}0301${seal.slice(body.length)}`)).toBe('duplicate_feature');
    expect(reasonOf(`${body.slice(0, 40)}FF40${'00'.repeat(64)}`)).toBe('missing_feature');
    expect(reasonOf(`${body}0780${seal.slice(body.length)}`)).toBe('bad_length');
    expect(reasonOf(`${body}078101${seal.slice(body.length)}`)).toBe('bad_length');
  });
});
