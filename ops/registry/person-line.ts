/**
 * One line of a registry or candidates JSONL file: a person with an id. Dates may come in any format
 * registers use and are turned into the protocol's partial ISO form; empty and null fields are absent.
 */
import { z } from 'zod';
import { formatPartialDate, parsePartialDate } from '../../hub/services/registry/matching/index.js';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((value) => value || undefined);

const birthDate = z
  .string()
  .trim()
  .max(40)
  .nullish()
  .transform((value, context) => {
    if (!value) return undefined;
    const date = parsePartialDate(value);
    if (date) return formatPartialDate(date);
    context.addIssue({
      code: 'custom',
      message: 'not a date: use YYYY, YYYY-MM, YYYY-MM-DD, DD/MM/YYYY, MM/YYYY or "12 mars 1985"',
    });
    return z.NEVER;
  });

export const personLineSchema = z.strictObject({
  id: z.string().trim().min(1).max(100),
  nationalId: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{4,30}$/, 'national id: 4 to 30 letters, digits or dashes')
    .nullish()
    .transform((value) => value ?? undefined),
  givenNames: z.string().trim().min(1).max(200),
  familyName: z.string().trim().min(1).max(200),
  sex: z
    .enum(['F', 'M', 'X'])
    .nullish()
    .transform((value) => value ?? undefined),
  birthDate,
  birthPlace: optionalText(200),
  fatherName: optionalText(200),
  motherName: optionalText(200),
});
export type PersonLineInput = z.input<typeof personLineSchema>;
export type ValidPersonLine = z.output<typeof personLineSchema>;
