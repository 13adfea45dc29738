import { randomUUID } from 'node:crypto';
import type { Database } from '../../hub/db/database.js';
import type { Domain } from '../../node/services/domain.js';
import type { RegistrationInput } from '../../node/services/registrations/registration-schema.js';
import type { SeededPerson } from './demo-registry.js';

// Rows per statement: a few thousand persons load in a handful of round trips.
const CHUNK = 1_000;

/**
 * Loads the demo's persons into the hub's built-in national registry (`registry_persons`, as
 * `seedPerson` of hub/services/registry writes them, source `seed`) in one transaction: a
 * half-loaded registry would reconcile differently. Whole chunks per statement, since one insert
 * per person costs over a second on PGlite at every first `npm start`. Returns how many it added.
 */
export async function seedHubRegistry(db: Database, persons: readonly SeededPerson[]): Promise<number> {
  return db.transaction(async (tx) => {
    let added = 0;
    for (let at = 0; at < persons.length; at += CHUNK) {
      const rows = persons.slice(at, at + CHUNK).map((person) => ({ id: randomUUID(), ...person }));
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO registry_persons (id, national_id, given_names, family_name, sex, birth_date, birth_place,
           father_name, mother_name, source)
         SELECT (r->>'id')::uuid, r->>'nationalId', r->>'givenNames', r->>'familyName', r->>'sex',
                r->>'birthDate', r->>'birthPlace', r->>'fatherName', r->>'motherName', 'seed'
           FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT (national_id) DO NOTHING RETURNING id`,
        [JSON.stringify(rows)],
      );
      added += inserted.length;
    }
    return added;
  });
}

/**
 * Registers and verifies nationals at a mission, as an agent does at the counter once the documents
 * are seen (the passport, recorded as the identity check): verification queues each registry
 * submission, which the node sends when it connects. Each has one of the demo's phones, so a
 * roll-call reaches them at once (phones shared in turn: households, named in one SMS).
 */
export function seedRegistrations(
  domain: Domain,
  registrations: readonly RegistrationInput[],
  phones: readonly string[] = [],
): string[] {
  return registrations.map((input, index) => {
    const phone = phones.length === 0 ? undefined : phones[index % phones.length];
    const withPhone =
      phone === undefined || input.person === undefined
        ? input
        : { ...input, person: { ...input.person, phone } };
    const registration = domain.registrations.submit(withPhone, 'demo');
    // The demo's agent held the person's passport: the registry answers checked registrations.
    domain.registrations.verify(registration.id, 'demo', { documentKind: 'passport' });
    return registration.id;
  });
}
