import { randomUUID } from 'node:crypto';
import type { Person } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { searchCandidates } from './candidate-search.js';
import { normaliseNationalId } from './matching/index.js';
import { formatNationalId } from './national-id.js';
import type {
  NationalRegistry,
  RegistryEventInput,
  RegistryOrigin,
  RegistryPerson,
} from './national-registry.js';
import { type PersonColumns, toPerson } from './person-row.js';

/** A row of registry_persons. */
interface PersonRow extends PersonColumns {
  seq: number;
}

const COLUMNS = `id, seq, national_id, given_names, family_name, sex, birth_date, birth_place,
  father_name, mother_name`;

// A seeded number may already hold the next serial (or its compact form): the sequence then moves
// on. A register whose numbers overlap the issued ones densely (seven in ten serials held) still
// finds a free one within this many draws but for about one issuance in 100,000.
const ISSUE_ATTEMPTS = 32;

/** The national registry kept in the hub's own database: the default adapter. */
export function createBuiltinRegistry(): NationalRegistry {
  return {
    async findByNationalId(tx, nationalId) {
      const [row] = await tx.query<PersonRow>(
        `SELECT ${COLUMNS} FROM registry_persons WHERE national_id = $1`,
        [nationalId],
      );
      return row ? toPerson(row) : undefined;
    },
    async getPersons(tx, ids) {
      if (ids.length === 0) return [];
      const rows = await tx.query<PersonRow>(
        `SELECT ${COLUMNS} FROM registry_persons
          WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)`,
        [JSON.stringify(ids)],
      );
      return rows.map(toPerson);
    },
    findCandidates: (tx, person) => searchCandidates(tx, person),
    recordPerson: (tx, person, origin) => issuePerson(tx, person, origin),
    recordEvent: (tx, event) => insertEvent(tx, event),
  };
}

async function issuePerson(tx: Queryable, person: Person, origin: RegistryOrigin): Promise<RegistryPerson> {
  const [existing] = await tx.query<PersonRow>(
    `SELECT ${COLUMNS} FROM registry_persons WHERE source_submission_id = $1::uuid`,
    [origin.submissionId],
  );
  if (existing) return toPerson(existing);
  for (let attempt = 0; attempt < ISSUE_ATTEMPTS; attempt++) {
    const [next] = await tx.query<{ serial: number }>("SELECT nextval('registry_national_id_seq') AS serial");
    const row = await insertPerson(tx, person, formatNationalId(Number(next?.serial)), origin);
    if (row) return toPerson(row);
  }
  throw new Error(`could not issue a free national ID after ${ISSUE_ATTEMPTS} attempts`);
}

/**
 * Adds a person to the registry with a given national ID (loading an existing register, or tests);
 * returns undefined when that number is already held.
 */
export async function seedPerson(
  tx: Queryable,
  person: Person & { nationalId: string },
): Promise<RegistryPerson | undefined> {
  const row = await insertPerson(tx, person, person.nationalId, undefined);
  return row ? toPerson(row) : undefined;
}

async function insertPerson(
  tx: Queryable,
  person: Person,
  nationalId: string,
  origin: RegistryOrigin | undefined,
): Promise<PersonRow | undefined> {
  // A number is held when another is the same without case, spaces or dashes (national_id_key, as
  // the matching engine and a search compare them): "CF-000026901-9" issued beside a register's
  // "CF0000269019" would make both persons' number shared, and every later submission bearing
  // either one a review.
  const [row] = await tx.query<PersonRow>(
    `INSERT INTO registry_persons (id, national_id, given_names, family_name, sex, birth_date, birth_place,
       father_name, mother_name, source, source_mission_id, source_submission_id)
     SELECT $1::uuid, $2::text, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::uuid
      WHERE NOT EXISTS (SELECT FROM registry_persons
                         WHERE national_id_key = $13::text)
     ON CONFLICT (national_id) DO NOTHING RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      nationalId,
      person.givenNames,
      person.familyName,
      person.sex ?? null,
      person.birthDate ?? null,
      person.birthPlace ?? null,
      person.fatherName ?? null,
      person.motherName ?? null,
      origin ? 'submission' : 'seed',
      origin?.missionId ?? null,
      origin?.submissionId ?? null,
      normaliseNationalId(nationalId) ?? null,
    ],
  );
  return row;
}

async function insertEvent(tx: Queryable, event: RegistryEventInput): Promise<void> {
  await tx.query(
    `INSERT INTO registry_events (id, person_id, kind, event_date, event_place, mission_id, submission_id, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (submission_id) DO NOTHING`,
    [
      randomUUID(),
      event.personId,
      event.kind,
      event.eventDate ?? null,
      event.eventPlace ?? null,
      event.missionId,
      event.submissionId,
      event.recordedAt,
    ],
  );
}
