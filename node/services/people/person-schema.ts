import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { normalisePhone } from '../../crypto/blind-index.js';

/** A person as the node knows them, decrypted. Optional fields are absent when unknown. */
export interface Person {
  readonly id: string;
  readonly givenNames: string;
  readonly familyName: string;
  /** ISO 8601 date, `YYYY-MM-DD`. */
  readonly birthDate?: string;
  /** E.164. */
  readonly phone?: string;
  readonly email?: string;
  /** Identity document number as entered (passport, national ID card, consular card). */
  readonly idNumber?: string;
  readonly address?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The personal fields, every one stored only encrypted. */
export type PersonFields = Omit<Person, 'id' | 'createdAt' | 'updatedAt'>;

/** The personal field names, in a stable order. */
export const PERSON_FIELDS = [
  'givenNames',
  'familyName',
  'birthDate',
  'phone',
  'email',
  'idNumber',
  'address',
] as const satisfies readonly (keyof PersonFields)[];

/** A phone number, normalised to E.164 in the mission's host country; refused when not valid. */
export function phoneSchema(defaultRegion: CountryCode) {
  return z
    .string()
    .max(40)
    .transform((raw, ctx) => {
      const e164 = normalisePhone(raw, defaultRegion);
      if (e164 === undefined) {
        ctx.addIssue({ code: 'custom', message: 'not a valid phone number' });
        return z.NEVER;
      }
      return e164;
    });
}

const name = z.string().trim().min(1).max(200);

/** Fields of a new person; unknown fields are refused. */
export function personInputSchema(defaultRegion: CountryCode) {
  return z.strictObject({
    givenNames: name,
    familyName: name,
    birthDate: z.iso.date().optional(),
    phone: phoneSchema(defaultRegion).optional(),
    email: z.email().max(254).optional(),
    idNumber: z.string().trim().min(1).max(40).optional(),
    address: z.string().trim().min(1).max(1000).optional(),
  });
}

/** Changes to a person: a value sets a field, `null` clears an optional one. */
export function personPatchSchema(defaultRegion: CountryCode) {
  const input = personInputSchema(defaultRegion).shape;
  return z.strictObject({
    givenNames: input.givenNames.optional(),
    familyName: input.familyName.optional(),
    birthDate: input.birthDate.unwrap().nullable().optional(),
    phone: input.phone.unwrap().nullable().optional(),
    email: input.email.unwrap().nullable().optional(),
    idNumber: input.idNumber.unwrap().nullable().optional(),
    address: input.address.unwrap().nullable().optional(),
  });
}

/** Input of a new person, before validation. */
export type PersonInput = z.input<ReturnType<typeof personInputSchema>>;
/** Input of a change, before validation. */
export type PersonPatch = z.input<ReturnType<typeof personPatchSchema>>;
