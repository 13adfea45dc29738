import { blindIndex } from '../../crypto/blind-index.js';
import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import type { RefusalReason, ValidVisaFields, VisaApplication, VisaKind, VisaState } from './visa-schema.js';

// The visa_applications table (migration 024): personal fields sealed with the field cipher, bound
// to their column and row, so a value copied to another row or column does not open.

const ENCRYPTED = [
  'passport_number',
  'passport_expiry',
  'nationality',
  'family_name',
  'given_names',
  'birth_date',
  'sex',
  'purpose',
] as const;
type EncryptedColumn = (typeof ENCRYPTED)[number];

/** The blind index of a passport number: the id_number kind with a prefix of its own. */
export function passportIndex(store: Store, passportNumber: string): Uint8Array {
  return blindIndex(store.keys.index, 'id_number', `passport:${passportNumber.toUpperCase()}`);
}

function seal(store: Store, id: string, column: string, value: string): Uint8Array {
  return encryptField(store.keys.field, value, {
    table: 'visa_applications',
    column: `${column}_enc`,
    rowId: id,
  });
}

function open(store: Store, id: string, column: string, value: Uint8Array): string {
  return decryptField(store.keys.field, value, {
    table: 'visa_applications',
    column: `${column}_enc`,
    rowId: id,
  });
}

/** What a new row holds. */
export interface NewVisaRow {
  readonly id: string;
  readonly fileId: string;
  readonly fields: ValidVisaFields;
  readonly photoDocumentId: string;
  readonly bioPageDocumentId: string;
  readonly at: string;
}

export function insertVisaRow(store: Store, row: NewVisaRow): void {
  const f = row.fields;
  const values: Record<EncryptedColumn, string> = {
    passport_number: f.passportNumber,
    passport_expiry: f.passportExpiry,
    nationality: f.nationality,
    family_name: f.familyName,
    given_names: f.givenNames,
    birth_date: f.birthDate,
    sex: f.sex,
    purpose: f.purpose,
  };
  store.db
    .prepare(
      `INSERT INTO visa_applications (id, file_id, kind, state, lang, passport_number_bidx,
         ${ENCRYPTED.map((column) => `${column}_enc`).join(', ')},
         arrival_date, departure_date, photo_document_id, bio_page_document_id, submitted_at, updated_at)
       VALUES (?, ?, ?, 'submitted', ?, ?, ${ENCRYPTED.map(() => '?').join(', ')}, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.id,
      row.fileId,
      f.kind,
      f.lang,
      passportIndex(store, f.passportNumber),
      ...ENCRYPTED.map((column) => seal(store, row.id, column, values[column])),
      f.arrivalDate,
      f.departureDate,
      row.photoDocumentId,
      row.bioPageDocumentId,
      row.at,
      row.at,
    );
}

/** Whether an application for this passport number is open. */
export function hasOpenApplication(store: Store, passportNumber: string): boolean {
  return (
    store.db
      .prepare(
        `SELECT 1 FROM visa_applications WHERE passport_number_bidx = ?
         AND state IN ('submitted', 'more_info_requested', 'prepared', 'granted')`,
      )
      .get(passportIndex(store, passportNumber)) !== undefined
  );
}

interface VisaRow {
  id: string;
  file_id: string;
  tracking_number: string;
  kind: VisaKind;
  state: VisaState;
  lang: 'fr' | 'sg' | 'en';
  passport_number_enc: Uint8Array;
  passport_expiry_enc: Uint8Array;
  nationality_enc: Uint8Array;
  family_name_enc: Uint8Array;
  given_names_enc: Uint8Array;
  birth_date_enc: Uint8Array;
  sex_enc: Uint8Array;
  purpose_enc: Uint8Array;
  arrival_date: string;
  departure_date: string;
  photo_document_id: string;
  bio_page_document_id: string;
  info_request_enc: Uint8Array | null;
  prepared_by: string | null;
  decided_by: string | null;
  decided_at: string | null;
  visa_type: string | null;
  entries: number | null;
  stay_days: number | null;
  valid_from: string | null;
  valid_until: string | null;
  refusal_reason: RefusalReason | null;
  document_number: string | null;
  seal: Uint8Array | null;
  issued_at: string | null;
  submitted_at: string;
}

const SELECT = `SELECT v.*, f.tracking_number FROM visa_applications v JOIN files f ON f.id = v.file_id`;

export function selectVisa(store: Store, id: string): VisaApplication | undefined {
  const row = store.db.prepare(`${SELECT} WHERE v.id = ?`).get(id) as VisaRow | undefined;
  return row && toApplication(store, row);
}

export function selectVisaByFile(store: Store, fileId: string): VisaApplication | undefined {
  const row = store.db.prepare(`${SELECT} WHERE v.file_id = ?`).get(fileId) as VisaRow | undefined;
  return row && toApplication(store, row);
}

/** Applications in a state (all when none given), oldest first. */
export function selectVisas(store: Store, state?: VisaState, limit = 100): VisaApplication[] {
  const rows = (
    state === undefined
      ? store.db.prepare(`${SELECT} ORDER BY v.submitted_at LIMIT ?`).all(limit)
      : store.db.prepare(`${SELECT} WHERE v.state = ? ORDER BY v.submitted_at LIMIT ?`).all(state, limit)
  ) as VisaRow[];
  return rows.map((row) => toApplication(store, row));
}

export function countVisas(store: Store): number {
  return (store.db.prepare('SELECT count(*) AS n FROM visa_applications').get() as { n: number }).n;
}

/** Seals a free-text note about the applicant (the agent's request for more information). */
export function sealInfoRequest(store: Store, id: string, message: string): Uint8Array {
  return seal(store, id, 'info_request', message);
}

function toApplication(store: Store, row: VisaRow): VisaApplication {
  const get = (column: EncryptedColumn) =>
    open(store, row.id, column, row[`${column}_enc` as keyof VisaRow] as Uint8Array);
  return {
    id: row.id,
    fileId: row.file_id,
    trackingNumber: row.tracking_number,
    kind: row.kind,
    state: row.state,
    lang: row.lang,
    passportNumber: get('passport_number'),
    passportExpiry: get('passport_expiry'),
    nationality: get('nationality'),
    familyName: get('family_name'),
    givenNames: get('given_names'),
    birthDate: get('birth_date'),
    sex: get('sex') as VisaApplication['sex'],
    arrivalDate: row.arrival_date,
    departureDate: row.departure_date,
    purpose: get('purpose'),
    photoDocumentId: row.photo_document_id,
    bioPageDocumentId: row.bio_page_document_id,
    infoRequest: row.info_request_enc && open(store, row.id, 'info_request', row.info_request_enc),
    preparedBy: row.prepared_by,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    visaType: row.visa_type,
    entries: row.entries,
    stayDays: row.stay_days,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    refusalReason: row.refusal_reason,
    documentNumber: row.document_number,
    seal: row.seal,
    issuedAt: row.issued_at,
    submittedAt: row.submitted_at,
  };
}
