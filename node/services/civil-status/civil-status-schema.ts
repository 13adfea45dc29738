import { z } from 'zod';
import { personSchema } from '../../../protocol/index.js';
import { pastPartialDateSchema, shortText } from '../registrations/partial-date.js';
import { CHANNELS } from '../registrations/registration-schema.js';

/** Events a mission transcribes. */
export const CIVIL_STATUS_KINDS = ['birth', 'marriage', 'death'] as const;
export type CivilStatusKind = (typeof CIVIL_STATUS_KINDS)[number];

/** Roles of the persons of an event. */
export const ROLES = ['child', 'father', 'mother', 'spouse', 'deceased', 'declarant'] as const;
export type Role = (typeof ROLES)[number];

/** How many persons of each role an event has: [min, max]; a role not listed is refused. */
export const ROLE_RULES: Readonly<Record<CivilStatusKind, Partial<Record<Role, readonly [number, number]>>>> =
  {
    birth: { child: [1, 1], father: [0, 1], mother: [0, 1], declarant: [0, 1] },
    marriage: { spouse: [2, 2] },
    death: { deceased: [1, 1], declarant: [0, 1] },
  };

/** The role whose person the national registry is asked about. */
export const MAIN_ROLE: Readonly<Record<CivilStatusKind, Role>> = {
  birth: 'child',
  marriage: 'spouse',
  death: 'deceased',
};

const nationalIdSchema = z.string().trim().toUpperCase().pipe(personSchema.shape.nationalId.unwrap());

/** One person of an event as the foreign certificate names them; personId when the mission knows them. */
export function participantSchema(today: () => string) {
  return z.strictObject({
    role: z.enum(ROLES),
    personId: z.uuid().optional(),
    givenNames: shortText(),
    familyName: shortText(),
    sex: personSchema.shape.sex,
    birthDate: pastPartialDateSchema(today).optional(),
    birthPlace: shortText().optional(),
    nationalId: nationalIdSchema.optional(),
  });
}
export type Participant = z.output<ReturnType<typeof participantSchema>>;

/** The foreign certificate the transcription is made from. */
export function sourceSchema(today: () => string) {
  return z.strictObject({
    certificateNumber: shortText(60),
    issuingAuthority: shortText(),
    issuedOn: pastPartialDateSchema(today).optional(),
  });
}
export type SourceDocument = z.output<ReturnType<typeof sourceSchema>>;

/** A request to transcribe an event; partial dates (`1984`, `1984-07`) allowed, impossible ones refused. */
export function civilStatusInputSchema(today: () => string) {
  return z.strictObject({
    kind: z.enum(CIVIL_STATUS_KINDS),
    eventDate: pastPartialDateSchema(today),
    eventPlace: shortText(),
    eventCountry: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'),
    channel: z.enum(CHANNELS),
    source: sourceSchema(today),
    persons: z.array(participantSchema(today)).min(1).max(8),
  });
}
export type CivilStatusInput = z.input<ReturnType<typeof civilStatusInputSchema>>;

/** The first role whose count breaks the kind's rules, or undefined when the persons fit. */
export function roleProblem(kind: CivilStatusKind, persons: readonly { role: Role }[]): string | undefined {
  const rules = ROLE_RULES[kind];
  for (const role of ROLES) {
    const count = persons.filter((person) => person.role === role).length;
    const [min, max] = rules[role] ?? [0, 0];
    if (count < min || count > max) return `a ${kind} needs ${min}–${max} ${role}, got ${count}`;
  }
  return undefined;
}
