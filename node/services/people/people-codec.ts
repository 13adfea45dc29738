import { blindIndex, idNumberIndex } from '../../crypto/blind-index.js';
import type { DataKeys } from '../../crypto/data-keys.js';
import { decryptField, decryptOptional, encryptField, encryptOptional } from '../../crypto/field-cipher.js';
import type { Person, PersonFields } from './person-schema.js';

/** A row of the `people` table as SQLite returns it. */
export interface PersonRow {
  id: string;
  given_names_enc: Uint8Array;
  family_name_enc: Uint8Array;
  birth_date_enc: Uint8Array | null;
  phone_enc: Uint8Array | null;
  email_enc: Uint8Array | null;
  id_number_enc: Uint8Array | null;
  address_enc: Uint8Array | null;
  phone_bidx: Uint8Array | null;
  id_number_bidx: Uint8Array | null;
  created_at: string;
  updated_at: string;
}

/** The encrypted and indexed columns of a person. */
export type PersonColumns = Omit<PersonRow, 'id' | 'created_at' | 'updated_at'>;

const TABLE = 'people';

/**
 * Encrypts a person's fields for their row. Each ciphertext is bound to (people, column, id); the
 * phone is already E.164 (validated by the schema) and indexed as such.
 */
export function encodePerson(keys: DataKeys, id: string, fields: PersonFields): PersonColumns {
  const bind = (column: string) => ({ table: TABLE, column, rowId: id });
  return {
    given_names_enc: encryptField(keys.field, fields.givenNames, bind('given_names_enc')),
    family_name_enc: encryptField(keys.field, fields.familyName, bind('family_name_enc')),
    birth_date_enc: encryptOptional(keys.field, fields.birthDate, bind('birth_date_enc')),
    phone_enc: encryptOptional(keys.field, fields.phone, bind('phone_enc')),
    email_enc: encryptOptional(keys.field, fields.email, bind('email_enc')),
    id_number_enc: encryptOptional(keys.field, fields.idNumber, bind('id_number_enc')),
    address_enc: encryptOptional(keys.field, fields.address, bind('address_enc')),
    phone_bidx: fields.phone === undefined ? null : blindIndex(keys.index, 'phone', fields.phone),
    id_number_bidx:
      fields.idNumber === undefined ? null : (idNumberIndex(keys.index, fields.idNumber) ?? null),
  };
}

/** Decrypts a row; throws a CryptoError when any field was altered, moved or the key is wrong. */
export function decodePerson(keys: DataKeys, row: PersonRow): Person {
  const bind = (column: string) => ({ table: TABLE, column, rowId: row.id });
  const optional = {
    birthDate: decryptOptional(keys.field, row.birth_date_enc, bind('birth_date_enc')),
    phone: decryptOptional(keys.field, row.phone_enc, bind('phone_enc')),
    email: decryptOptional(keys.field, row.email_enc, bind('email_enc')),
    idNumber: decryptOptional(keys.field, row.id_number_enc, bind('id_number_enc')),
    address: decryptOptional(keys.field, row.address_enc, bind('address_enc')),
  };
  return {
    id: row.id,
    givenNames: decryptField(keys.field, row.given_names_enc, bind('given_names_enc')),
    familyName: decryptField(keys.field, row.family_name_enc, bind('family_name_enc')),
    ...withoutUndefined(optional),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The personal fields of a person, without id and timestamps (what the audit digests). */
export function personFields(person: Person): PersonFields {
  const { id: _id, createdAt: _created, updatedAt: _updated, ...fields } = person;
  return fields;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
