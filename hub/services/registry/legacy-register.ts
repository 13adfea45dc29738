import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  partialDateSchema,
  personSchema,
  type RegistrySubmission,
  recordIdSchema,
  registrySubmissionSchema,
} from '../../../protocol/index.js';

/**
 * The columns of a mission's legacy register, as `econsulat registry import` reads it from CSV
 * (header row required; unknown columns are ignored, empty cells are absent values):
 * record_id, kind, national_id, given_names, family_name, sex, birth_date, birth_place,
 * father_name, mother_name, event_date, event_place.
 */
export const LEGACY_COLUMNS = [
  'record_id',
  'kind',
  'national_id',
  'given_names',
  'family_name',
  'sex',
  'birth_date',
  'birth_place',
  'father_name',
  'mother_name',
  'event_date',
  'event_place',
] as const;

// Registers typed in francophone offices write dates day first: 12/07/1984, 07/1984.
const FRENCH_DATE = /^(?:(\d{1,2})[/.])?(\d{1,2})[/.](\d{4})$/;

const cell = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value));

const legacyDate = cell.transform((value) => (value === undefined ? undefined : isoPartialDate(value)));

const legacyRowSchema = z.object({
  record_id: cell.pipe(recordIdSchema.optional()),
  kind: cell.pipe(registrySubmissionSchema.shape.kind.optional()),
  national_id: cell.transform((v) => v?.toUpperCase().replace(/\s+/g, '')),
  given_names: cell,
  family_name: cell,
  sex: cell.transform((v) => v?.toUpperCase()),
  birth_date: legacyDate.pipe(partialDateSchema.optional()),
  birth_place: cell,
  father_name: cell,
  mother_name: cell,
  event_date: legacyDate.pipe(partialDateSchema.optional()),
  event_place: cell,
});

/** One line of the register: the submission it becomes, or why it cannot. */
export type LegacyLine =
  | { readonly ok: true; readonly line: number; readonly submission: RegistrySubmission }
  | { readonly ok: false; readonly line: number; readonly error: string };

/**
 * Turns one CSV record (cells by column name) into the registry.submission a mission would have
 * sent for it. Its id is derived from the mission and the record id (the line number when the
 * register has none), so importing the same register twice adds nothing.
 */
export function legacyLineToSubmission(
  cells: Record<string, string | undefined>,
  line: number,
  context: { missionId: string; kind: RegistrySubmission['kind']; importedAt: Date },
): LegacyLine {
  const row = legacyRowSchema.safeParse(withEmptyCells(cells));
  if (!row.success) return { ok: false, line, error: describe(row.error) };
  const r = row.data;
  const person = personSchema.safeParse(
    dropUndefined({
      nationalId: r.national_id,
      givenNames: r.given_names,
      familyName: r.family_name,
      sex: r.sex,
      birthDate: r.birth_date,
      birthPlace: r.birth_place,
      fatherName: r.father_name,
      motherName: r.mother_name,
    }),
  );
  if (!person.success) return { ok: false, line, error: describe(person.error) };
  const recordId = r.record_id ?? `line-${line}`;
  const submission = registrySubmissionSchema.parse(
    dropUndefined({
      submissionId: derivedUuid(`${context.missionId}\n${recordId}`),
      kind: r.kind ?? context.kind,
      recordId,
      person: person.data,
      eventDate: r.event_date,
      eventPlace: r.event_place,
      submittedAt: context.importedAt.toISOString(),
    }),
  );
  return { ok: true, line, submission };
}

/** A date as registers write it (1984, 1984-07, 1984-07-12, 12/07/1984, 07/1984) in ISO form. */
export function isoPartialDate(value: string): string {
  const french = FRENCH_DATE.exec(value);
  if (!french) return value;
  const [, day, month, year] = french;
  const pad = (n: string) => n.padStart(2, '0');
  return day === undefined
    ? `${year}-${pad(month as string)}`
    : `${year}-${pad(month as string)}-${pad(day)}`;
}

// RFC 9562 §5.8 (version 8, "custom"): SHA-256 of the name, with the version and variant bits set.
function derivedUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function withEmptyCells(cells: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(LEGACY_COLUMNS.map((column) => [column, cells[column] ?? '']));
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ');
}
