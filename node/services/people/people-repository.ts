import type { CountryCode } from 'libphonenumber-js';
import { idNumberIndex, phoneIndex } from '../../crypto/blind-index.js';
import type { Store } from '../../db/store.js';
import { decodePerson, type PersonRow } from './people-codec.js';
import { insertPerson, insertPersonFields, type PeopleWriteContext, updatePerson } from './people-writes.js';
import {
  type Person,
  type PersonFields,
  type PersonInput,
  type PersonPatch,
  personInputSchema,
  personPatchSchema,
} from './person-schema.js';

export { PERSON_ENTITY, PersonEvent } from './people-writes.js';

/** What the people repository needs. */
export interface PeopleDeps {
  readonly store: Store;
  /** The mission's host country: national phone numbers are read in it (`FR` for Paris). */
  readonly defaultRegion: CountryCode;
  readonly now?: () => Date;
}

/** People: applicants and registered nationals, with their personal fields encrypted at rest. */
export interface PeopleRepository {
  /** Validates (ZodError when invalid) and stores a new person, with its audit entry and event. */
  create(input: PersonInput, actor: string): Person;
  /**
   * Stores a new person from fields another schema of the node has already validated and
   * normalised as the person schema would: a booking's applicant (the same name rules, a phone
   * in E.164, a trimmed document number; a test holds the two schemas to it). Parsing them again
   * was 4 % of a booking.
   */
  createChecked(fields: PersonFields, actor: string): Person;
  get(id: string): Person | undefined;
  /** Everyone with this phone number, in any common format (families share phones). */
  findByPhone(phone: string): Person[];
  /** Everyone with this ID document number, however it is spaced or cased. */
  findByIdNumber(idNumber: string): Person[];
  /** Applies a change (ZodError when invalid); undefined when there is no such person. */
  update(id: string, patch: PersonPatch, actor: string): Person | undefined;
}

/**
 * Builds the repository over a store. Each write runs in one transaction with its audit entry and
 * outbox event; called inside a caller's transaction, it commits or rolls back with it.
 */
export function createPeopleRepository(deps: PeopleDeps): PeopleRepository {
  const { store, defaultRegion } = deps;
  const clock = deps.now ?? (() => new Date());
  const ctx: PeopleWriteContext = {
    store,
    now: () => clock().toISOString(),
    inputSchema: personInputSchema(defaultRegion),
    patchSchema: personPatchSchema(defaultRegion),
  };
  const select = (where: string, value: unknown) =>
    (store.db.prepare(`SELECT * FROM people WHERE ${where} = ?`).all(value) as PersonRow[]).map((row) =>
      decodePerson(store.keys, row),
    );
  return {
    create: (input, actor) => insertPerson(ctx, input, actor),
    createChecked: (fields, actor) => insertPersonFields(ctx, fields, actor),
    update: (id, patch, actor) => updatePerson(ctx, id, patch, actor),
    get: (id) => select('id', id)[0],
    findByPhone(phone) {
      const index = phoneIndex(store.keys.index, phone, defaultRegion);
      return index ? select('phone_bidx', index) : [];
    },
    findByIdNumber(idNumber) {
      const index = idNumberIndex(store.keys.index, idNumber);
      return index ? select('id_number_bidx', index) : [];
    },
  };
}
