import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../common/vds/bytes.js';
import { decodeC40, decodeSeal } from '../common/vds/index.js';

// Published seals, decoded as their publishers describe them. Their signatures are on
// brainpool curves (no WebCrypto support) or made with keys we do not have: only the codec is
// checked here, the verifier is tested on seals of our own (common.vds-verify.test.ts).
const hex = (text: string) => fromHex(text.replace(/\s+/g, ''));

// BSI TR-03137 part 1 v2.5, annex F: worked example of a visa sticker seal (brainpoolP224r1).
const BSI_VISA = hex(`dc 03 6a bc 6d 32 c8 a7 2c b1 0f 71 34 b7 98 15 5d 01 02 2c dd 52 13 4a 74 da 13 47 c6
  fe d9 5c b8 9f 9f ce 13 3c 13 3c 13 3c 13 3c 20 38 33 73 4a af 47 f0 c3 2f 1a 1e 20 eb 26 25 39 3a fe
  31 04 03 a0 00 00 05 06 33 be 1f ed 20 c6 ff 38 d5 57 32 47 60 8c 9b 64 ca e0 22 c1 c5 24 96 60 e5 1a
  e3 16 d6 00 f9 74 aa c2 12 9c 3f 09 3c 35 95 53 14 02 63 04 70 5c d2 4c 1b 81 00 71 1b d4 41 1f 06 8e
  8d 93 e8 b7`);

// tsenger/vdstools, src/commonTest/kotlin/de/tsenger/vdstools/vds/VdsRawBytesCommon.kt, `visa_224bitSig`.
const VDSTOOLS_VISA =
  hex(`DC03D9C56D32C8A72CB10F71347D00175D01022CDD52134A74DA1347C6FED95CB89F9FCE133C133C133C
  133C203833734AAF47F0C32F1A1E20EB2625393AFE310403A00000050633BE1FED20C6FF389FD029C66FB2E4BF361CDBFFD8F5
  931B6259F645B077702C617F453D0B898A55E6E7870974FFE7B3AC416ACDE6B03B3C3A8CB5A22B456816`);

// tsenger/vdstools, same file, `emergenyTravelDoc`: an emergency travel document (0x5E03).
const VDSTOOLS_ETD = hex(`DC03D9C5D9CAC8A73A990F71347D4E375E0302308A0D62B9D917A4CCA93CA4D0EDFC133C133C133C133C
  133C3FEF3A2938EE43F1593D1AE52DBB26751FE64B7C133C136BFF4022F8BD19ECCBA4EF24F204787796DD914FEC61F605B153
  B22A6EF307D3869938A4E7E908F0A63B8379880B395C7FDBAC720D7F2836D08E1DA62611614A00120B`);

// BSI TR-03137 part 1 v2.5, annex E: residence permit (version 4, feature reference 0xFB).
const BSI_RESIDENCE_PERMIT =
  hex(`dc 03 6a bc 6d 32 c8 a7 27 39 0f 71 34 11 45 f4 fb 06 02 30 5c ba 13 58 75 97
  6e c0 66 d4 17 b5 9e 8c 6a bc 13 3c 13 3c 13 3c 13 3c 3f ef 3a 29 38 ee 43 f1 59 3d 1a e5 2d bb 26 75
  1f e6 4b 7c 13 3c 13 6b 03 06 d7 95 19 a6 53 06 ff 40 15 8c f5 b0 bb 7f bd a0 99 e8 e7 c9 4a be fc 96
  77 b2 e7 1e 98 85 f5 cd 90 57 a8 bf cf 93 0a 60 46 bc f8 97 65 0a f8 f9 b0 34 3c 03 4d 2f 64 ce 08 1f
  95 fb f3 d0 12 92 d1 f8 16 5e ce 27 d3 27`);

// BSI TR-03137 part 1 v2.5, annex C: arrival attestation (version 3, fixed signer reference).
const BSI_ARRIVAL_ATTESTATION =
  hex(`dc 02 6a bc 6d 32 c8 a5 19 fc 0f 71 34 11 45 f4 fd 02 02 30 a5 62 13 53 d9
  a2 75 73 5b d4 13 4b c5 49 13 3c 13 3c 13 3c 13 3c 13 3c a3 25 19 a5 19 a4 34 4a 5e 68 1a e7 20 4b 20
  d5 32 cf 4b 7c 13 3c 13 3f 03 08 20 d5 20 10 19 a5 1a ea ff 40 4a 1f 21 8c a4 39 26 47 ec ff 6c 8a bf
  9e 79 6a 78 ee be 0b 1a c8 cc 25 c4 ee 17 ee d9 61 d1 18 90 91 35 8d 7d 61 6f 1a 51 7a bc 74 7f 6c 44
  90 ff 15 9d 4d cf 50 24 8b 00 b1 e3 2e 9e 78 05 e7`);

describe('published visa seals', () => {
  it('decodes the BSI worked example as annex F describes it', () => {
    const seal = decodeSeal(BSI_VISA);
    expect(seal.header).toEqual({
      version: 4,
      issuingCountry: 'D<<',
      signerIdentifier: 'DETS',
      certificateReference: '32',
      documentIssueDate: '2020-01-01',
      signatureCreationDate: '2021-12-03',
      featureDefinitionReference: 0x5d,
      documentTypeCategory: 0x01,
    });
    expect(seal.content).toMatchObject({
      kind: 'visa',
      mrz: {
        format: 'MRV-B',
        line1: 'VCD<<DENT<<ARTHUR<PHILIP<<<<<<<<<<<<',
        line2: '1234567XY7GBR5203116M2005250',
        surname: 'DENT',
        givenNames: 'ARTHUR PHILIP',
        fields: {
          documentNumber: '1234567XY',
          nationality: 'GBR',
          birthDate: '1952-03-11',
          sex: 'M',
          expiryDate: '2020-05-25',
          checkDigitsValid: true,
        },
      },
      numberOfEntries: null,
      durationOfStay: { days: 160, months: 0, years: 0 },
      passportNumber: '47110815P',
      visaType: null,
    });
    expect(seal.features.map((feature) => feature.tag)).toEqual([0x02, 0x04, 0x05]);
    expect(seal.features[0]?.value).toHaveLength(44);
    expect(seal.signature).toHaveLength(56);
    expect(toHex(seal.signature.subarray(0, 4))).toBe('D5573247');
    expect(seal.signedBytes).toHaveLength(BSI_VISA.length - 2 - 56);
  });

  it('decodes the vdstools visa sample: same message, UTO issuer, signed 2023-08-19', () => {
    const seal = decodeSeal(VDSTOOLS_VISA);
    expect(seal.header).toMatchObject({
      issuingCountry: 'UTO',
      signerIdentifier: 'DETS',
      certificateReference: '32',
      documentIssueDate: '2020-01-01',
      signatureCreationDate: '2023-08-19',
    });
    expect(seal.content.kind === 'visa' && seal.content.passportNumber).toBe('47110815P');
    expect(seal.content.kind === 'visa' && seal.content.mrz.line1).toBe(
      'VCD<<DENT<<ARTHUR<PHILIP<<<<<<<<<<<<',
    );
  });
});

describe('published emergency travel document seal', () => {
  it('decodes the vdstools sample: 0x5E03, a TD2 MRZ of 2 × 36 characters', () => {
    const seal = decodeSeal(VDSTOOLS_ETD);
    expect(seal.header).toEqual({
      version: 4,
      issuingCountry: 'UTO',
      signerIdentifier: 'UTTS',
      certificateReference: '5B',
      documentIssueDate: '2020-01-01',
      signatureCreationDate: '2023-08-21',
      featureDefinitionReference: 0x5e,
      documentTypeCategory: 0x03,
    });
    expect(seal.content).toMatchObject({
      kind: 'emergency_travel_document',
      mrz: {
        format: 'TD2',
        line1: 'I<GBRSUPAMANN<<MARY<<<<<<<<<<<<<<<<<',
        line2: '6525845096USA7008038M2201018<<<<<<06',
        fields: { documentNumber: '652584509', birthDate: '1970-08-03', expiryDate: '2022-01-01' },
      },
    });
    expect(seal.signature).toHaveLength(64);
  });
});

describe('published seals of other document types', () => {
  it('reads the header of the BSI residence permit (version 4, reference of 2 characters)', () => {
    const seal = decodeSeal(BSI_RESIDENCE_PERMIT);
    expect(seal.header).toEqual({
      version: 4,
      issuingCountry: 'D<<',
      signerIdentifier: 'DETS',
      certificateReference: '27',
      documentIssueDate: '2020-01-01',
      signatureCreationDate: '2020-01-13',
      featureDefinitionReference: 0xfb,
      documentTypeCategory: 0x06,
    });
    expect(seal.content.kind).toBe('other');
    const [mrz, passport] = seal.features;
    // Annex E's prose reads the document code as ARD; its bytes say ATD, as vdstools reads them.
    expect(decodeC40(mrz!.value).replaceAll(' ', '<')).toBe(
      'ATD<<RESIDORCE<<ROLAND<<<<<<<<<<<<<<6525845096USA7008038M2201018<<<<<<06',
    );
    expect(decodeC40(passport!.value)).toBe('UFO001979');
  });

  it('reads the header of the BSI arrival attestation (version 3, DETS00027)', () => {
    const seal = decodeSeal(BSI_ARRIVAL_ATTESTATION);
    expect(seal.header).toEqual({
      version: 3,
      issuingCountry: 'D<<',
      signerIdentifier: 'DETS',
      certificateReference: '00027',
      documentIssueDate: '2020-01-01',
      signatureCreationDate: '2020-01-13',
      featureDefinitionReference: 0xfd,
      documentTypeCategory: 0x02,
    });
    const [mrz, azr] = seal.features;
    expect(decodeC40(mrz!.value).replaceAll(' ', '<')).toBe(
      'MED<<MUSTERMANN<<ERIK<<<<<<<<<<<<<<<M0000000<4ALB0308212M1604128<<<<<<<2',
    );
    expect(decodeC40(azr!.value)).toBe('160113000085');
    expect(toHex(seal.signature.subarray(0, 2))).toBe('4A1F');
  });
});
