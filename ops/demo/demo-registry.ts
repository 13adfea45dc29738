import { formatNationalId } from '../../hub/services/registry/national-id.js';
import type { RegistrationInput } from '../../node/services/registrations/registration-schema.js';
import type { Person } from '../../protocol/index.js';
import { generateDataset } from '../registry/dataset.js';
import { Random } from '../registry/random.js';
import type { PersonLine } from '../registry/register-views.js';
import { syntheticPerson } from '../registry/synthetic-person.js';

/** Persons of the demo's national registry: enough for the matching engine to have work, quick to load. */
export const DEMO_REGISTRY_SIZE = 3_000;

// A fixed seed: every demo has the same registry, so its registrations always reconcile the same way.
const SEED = 'econsulat-demo-registry';

// Persons the generator gives no number get one far above the serials the hub issues for `new`.
const SEEDED_SERIAL_BASE = 900_000_000;

/** A registry person with the number the registry holds. */
export type SeededPerson = Person & { readonly nationalId: string };

/** The demo's national registry: synthetic persons of ops/registry, the same at every run. */
export function demoRegistryPersons(size = DEMO_REGISTRY_SIZE): SeededPerson[] {
  const { registry } = generateDataset({ registrySize: size, candidateSize: 0, seed: SEED });
  return registry.map((line, index) => toPerson(line, index));
}

function toPerson({ id: _id, nationalId, ...fields }: PersonLine, index: number): SeededPerson {
  return { ...fields, nationalId: nationalId ?? formatNationalId(SEEDED_SERIAL_BASE + index + 1) };
}

const consents = { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' };

/**
 * A counter registration of a registry person as written at the mission: the person's own details
 * (a full birth date, as the node asks), with or without the national ID number they remember.
 */
function registrationOf(person: SeededPerson, withNumber: boolean): RegistrationInput {
  return {
    person: { givenNames: person.givenNames, familyName: person.familyName, birthDate: person.birthDate },
    ...(withNumber ? { nationalId: person.nationalId } : {}),
    ...(person.sex === 'F' || person.sex === 'M' ? { sex: person.sex } : {}),
    ...(person.birthPlace ? { birthPlace: person.birthPlace } : {}),
    ...(person.fatherName ? { fatherName: person.fatherName } : {}),
    ...(person.motherName ? { motherName: person.motherName } : {}),
    channel: 'counter',
    consents,
  };
}

/** A national the registry does not know (drawn from another seed than the registry). */
function newcomer(random: Random): RegistrationInput {
  const person = syntheticPerson(random);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    person: {
      givenNames: person.givenNames,
      familyName: person.familyName,
      birthDate: `${person.birth.year}-${pad(person.birth.month)}-${pad(person.birth.day)}`,
    },
    sex: person.sex,
    birthPlace: person.birthPlace,
    channel: 'counter',
    consents,
  };
}

/**
 * The close call: a registry person's family name, only the first of their given names and a day of
 * birth one off (a clerk's slip, or another person?) — the rules leave it to an officer.
 */
function closeCall(person: SeededPerson): RegistrationInput {
  const [year, month, day] = (person.birthDate ?? '1980-01-01').split('-').map(Number) as [
    number,
    number,
    number,
  ];
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    person: {
      givenNames: person.givenNames.split(/[ -]/)[0] ?? person.givenNames,
      familyName: person.familyName,
      // Days 1 to 28 exist in every month.
      birthDate: `${year}-${pad(month)}-${pad((day % 27) + 1)}`,
    },
    channel: 'counter',
    consents,
  };
}

/** Registrations each demo mission verifies at setup, so their registry submissions reach the hub. */
export interface DemoRegistrations {
  readonly [missionId: string]: readonly RegistrationInput[];
}

/**
 * Per mission: registry persons (they come back `match` with their national ID), nationals the
 * registry does not know (`new`), and for fr-paris one close call (`review`, the officer's queue).
 */
export function demoRegistrations(registry: readonly SeededPerson[]): DemoRegistrations {
  const known = registry.filter((person) => /^\d{4}-\d{2}-\d{2}$/.test(person.birthDate ?? ''));
  const pick = (n: number) => {
    const person = known[n];
    if (!person) throw new TypeError('the demo registry is too small for its registrations');
    return person;
  };
  const random = new Random(`${SEED}:newcomers`);
  return {
    'fr-paris': [
      registrationOf(pick(0), true),
      registrationOf(pick(1), false),
      registrationOf(pick(2), false),
      newcomer(random),
      newcomer(random),
      // Someone with several given names, that the first alone makes a real question; none of the others'.
      closeCall(known.slice(6).find((person) => person.givenNames.includes(' ')) ?? pick(6)),
    ],
    'cm-yaounde': [registrationOf(pick(4), true), registrationOf(pick(5), false), newcomer(random)],
  };
}
