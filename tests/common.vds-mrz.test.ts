import { describe, expect, it } from 'vitest';
import {
  buildEtdMrz,
  buildVisaMrz,
  isValidPassportNumber,
  mrzCheckDigit,
  normaliseMrzField,
  PassportNumberWithCheckSchema,
  VdsInputError,
} from '../common/vds/index.js';
import { readLine2Head } from '../common/vds/mrz.js';

describe('MRZ check digits (Doc 9303-3 §4.9)', () => {
  it('gives the worked examples of Doc 9303-3 and the specimen passport', () => {
    // Doc 9303-3 §4.9 and the specimen TD3 of Doc 9303-4 (ERIKSSON, UTO, L898902C3).
    expect(mrzCheckDigit('L898902C3')).toBe(6);
    expect(mrzCheckDigit('740812')).toBe(2);
    expect(mrzCheckDigit('120415')).toBe(9);
    expect(mrzCheckDigit('ZE184226B<<<<<')).toBe(1);
    // Composite of the specimen's line 2 L898902C36UTO7408122F1204159ZE184226B<<<<<10.
    expect(mrzCheckDigit('L898902C36' + '7408122' + '1204159ZE184226B<<<<<1')).toBe(0);
  });

  it('counts fillers as 0 and letters from 10', () => {
    expect(mrzCheckDigit('<<<<<<')).toBe(0);
    expect(mrzCheckDigit('A')).toBe(0); // 10 × 7 = 70
    expect(mrzCheckDigit('Z')).toBe(5); // 35 × 7 = 245
  });

  it('gives the check digits of the published visa and TD2 seals (BSI TR-03137 annexes E and F)', () => {
    expect(mrzCheckDigit('1234567XY')).toBe(7);
    expect(mrzCheckDigit('520311')).toBe(6);
    expect(mrzCheckDigit('200525')).toBe(0);
    const td2 = '6525845096USA7008038M2201018<<<<<<0';
    expect(mrzCheckDigit(td2.slice(0, 10) + td2.slice(13, 20) + td2.slice(21, 35))).toBe(6);
  });
});

describe('MRZ fields (Doc 9303-3 §4.6, §6)', () => {
  it('writes names in upper case, transliterated, with fillers for spaces and hyphens', () => {
    expect(normaliseMrzField('Jean-Baptiste Nzéwé')).toBe('JEAN<BAPTISTE<NZEWE');
    expect(normaliseMrzField('Müller')).toBe('MUELLER');
    expect(normaliseMrzField('Ångström')).toBe('AANGSTROEM');
    expect(normaliseMrzField('Straße')).toBe('STRASSE');
    expect(normaliseMrzField('Œuvray Ødegård')).toBe('OEUVRAY<OEDEGAARD');
    expect(normaliseMrzField("D'Artagnan")).toBe('DARTAGNAN');
    expect(normaliseMrzField('  Ngaïkoïsset  Ça ')).toBe('NGAIKOISSET<CA');
  });

  it('validates a passport number with its check digit', () => {
    expect(isValidPassportNumber('L898902C3', '6')).toBe(true);
    expect(isValidPassportNumber('l898902c3', '6')).toBe(true);
    expect(isValidPassportNumber('L898902C3', '7')).toBe(false);
    expect(isValidPassportNumber('L8989-02C3', '6')).toBe(true);
    expect(isValidPassportNumber('TOO-LONG-NUMBER', '0')).toBe(false);
    const refused = PassportNumberWithCheckSchema.safeParse({ number: 'L898902C3', checkDigit: '5' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['checkDigit']);
  });
});

describe('visa MRZ (MRV-B, Doc 9303-7 §8)', () => {
  it('builds the two 36-character lines of the published visa seal', () => {
    const lines = buildVisaMrz({
      issuingState: 'D<<',
      typeCode: 'C',
      surname: 'Dent',
      givenNames: 'Arthur Philip',
      documentNumber: '1234567XY',
      nationality: 'GBR',
      birthDate: '1952-03-11',
      sex: 'M',
      expiryDate: '2020-05-25',
    });
    expect(lines).toEqual({
      line1: 'VCD<<DENT<<ARTHUR<PHILIP<<<<<<<<<<<<',
      line2: '1234567XY7GBR5203116M2005250<<<<<<<<',
    });
  });

  it('cuts a long name at 31 characters and writes CAF by default', () => {
    const { line1, line2 } = buildVisaMrz({
      surname: 'Ngakola-Bozizé Mbaïkoua',
      givenNames: 'Marie-Thérèse Anne-Élisabeth',
      documentNumber: 'V0001234',
      nationality: 'FRA',
      birthDate: '1990-12-31',
      sex: 'X',
      expiryDate: '2027-06-30',
    });
    expect(line1).toBe('V<CAFNGAKOLA<BOZIZE<MBAIKOUA<<MARIE<');
    expect(line1).toHaveLength(36);
    expect(line2).toBe('V0001234<5FRA9012318<2706306<<<<<<<<');
    expect(readLine2Head(line2, 2026)?.checkDigitsValid).toBe(true);
  });

  it('refuses bad input with a coded error naming the field', () => {
    const base = {
      surname: 'Dent',
      documentNumber: 'V1',
      nationality: 'GBR',
      birthDate: '1952-03-11',
      sex: 'M',
      expiryDate: '2020-05-25',
    } as const;
    for (const bad of [
      { birthDate: '1952-02-30' },
      { nationality: 'GB' },
      { documentNumber: '1234567890' },
      { surname: 'Ἀλέξανδρος' },
      { surname: '' },
      { sex: 'Q' },
      { optionalData: 'ABCDEFGHI' },
    ]) {
      const build = () => buildVisaMrz({ ...base, ...bad } as never);
      expect(build).toThrow(VdsInputError);
      try {
        build();
      } catch (error) {
        expect((error as VdsInputError).code).toBe('vds_invalid_input');
        expect((error as VdsInputError).issues.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('laissez-passer MRZ (TD2 layout, Doc 9303-6)', () => {
  it('builds the published TD2 lines with their composite check digit', () => {
    const lines = buildEtdMrz({
      issuingState: 'GBR',
      surname: 'Supamann',
      givenNames: 'Mary',
      documentNumber: '652584509',
      nationality: 'USA',
      birthDate: '1970-08-03',
      sex: 'M',
      expiryDate: '2022-01-01',
      optionalData: '<<<<<<0',
    });
    expect(lines).toEqual({
      line1: 'I<GBRSUPAMANN<<MARY<<<<<<<<<<<<<<<<<',
      line2: '6525845096USA7008038M2201018<<<<<<06',
    });
  });

  it('writes CAF and the national as holder', () => {
    const { line1, line2 } = buildEtdMrz({
      surname: 'Yakité',
      givenNames: 'Bienvenu',
      documentNumber: 'LP0000017',
      nationality: 'CAF',
      birthDate: '1985-04-12',
      sex: 'M',
      expiryDate: '2026-01-15',
    });
    expect(line1).toBe('I<CAFYAKITE<<BIENVENU<<<<<<<<<<<<<<<');
    expect(line2.slice(0, 35)).toBe('LP00000172CAF8504124M2601157<<<<<<<');
    const composite = mrzCheckDigit(line2.slice(0, 10) + line2.slice(13, 20) + line2.slice(21, 35));
    expect(line2[35]).toBe(String(composite));
  });
});
