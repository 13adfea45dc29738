import { randomUUID } from 'node:crypto';
import { decryptField, decryptOptional, encryptField, encryptOptional } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import type { RegistryState } from '../registrations/registration-rows.js';
import type { Channel } from '../registrations/registration-schema.js';
import type { CivilStatusKind, Participant, SourceDocument } from './civil-status-schema.js';

/** Workflow states of a transcription. */
export type CivilStatusState = 'submitted' | 'under_review' | 'transcribed' | 'rejected';

/** A transcription request as the service returns it, decrypted. */
export interface CivilStatusRecord {
  readonly id: string;
  readonly kind: CivilStatusKind;
  readonly state: CivilStatusState;
  readonly channel: Channel;
  readonly eventDate: string;
  readonly eventPlace: string;
  readonly eventCountry: string;
  readonly source: SourceDocument;
  /** Number of the act in the consular register, once transcribed. */
  readonly actNumber?: string;
  readonly persons: readonly Participant[];
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly registry: {
    readonly state: RegistryState;
    readonly submissionId: string | null;
    readonly decision: string | null;
    readonly decidedAt: string | null;
    /** The main person's national ID, as the national registry gave it. */
    readonly nationalId?: string;
  };
}

interface RecordRow {
  id: string;
  kind: CivilStatusKind;
  state: CivilStatusState;
  channel: Channel;
  event_country: string;
  details_enc: Uint8Array;
  submitted_at: string;
  updated_at: string;
  submission_id: string | null;
  registry_state: RegistryState;
  registry_decision: string | null;
  registry_decided_at: string | null;
  national_id_enc: Uint8Array | null;
}

interface SealedDetails {
  eventDate: string;
  eventPlace: string;
  source: SourceDocument;
  actNumber?: string;
}

const SAVE = `INSERT INTO civil_status_records (id, kind, state, channel, event_country, details_enc,
    submitted_at, updated_at, submission_id, registry_state, registry_decision, registry_decided_at,
    national_id_enc)
  VALUES (@id, @kind, @state, @channel, @event_country, @details_enc, @submitted_at, @updated_at,
    @submission_id, @registry_state, @registry_decision, @registry_decided_at, @national_id_enc)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, details_enc = excluded.details_enc,
    updated_at = excluded.updated_at, submission_id = excluded.submission_id,
    registry_state = excluded.registry_state, registry_decision = excluded.registry_decision,
    registry_decided_at = excluded.registry_decided_at, national_id_enc = excluded.national_id_enc`;

/** Inserts or updates a record's row (not its persons), encrypting every personal detail. */
export function saveCivilStatus(store: Store, record: CivilStatusRecord): void {
  const { eventDate, eventPlace, source, actNumber } = record;
  const sealed: SealedDetails = { eventDate, eventPlace, source, ...(actNumber ? { actNumber } : {}) };
  const key = store.keys.field;
  store.db.prepare(SAVE).run({
    id: record.id,
    kind: record.kind,
    state: record.state,
    channel: record.channel,
    event_country: record.eventCountry,
    details_enc: encryptField(key, JSON.stringify(sealed), bind(record.id, 'details_enc')),
    submitted_at: record.submittedAt,
    updated_at: record.updatedAt,
    submission_id: record.registry.submissionId,
    registry_state: record.registry.state,
    registry_decision: record.registry.decision,
    registry_decided_at: record.registry.decidedAt,
    national_id_enc: encryptOptional(key, record.registry.nationalId, bind(record.id, 'national_id_enc')),
  });
}

/** Stores the persons of a new record, in their given order. */
export function insertParticipants(store: Store, recordId: string, persons: readonly Participant[]): void {
  const insert = store.db.prepare(
    `INSERT INTO civil_status_persons (id, record_id, position, role, person_id, data_enc)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  persons.forEach((person, position) => {
    const id = randomUUID();
    const data = encryptField(store.keys.field, JSON.stringify(person), personBinding(id));
    insert.run(id, recordId, position, person.role, person.personId ?? null, data);
  });
}

/** Reads and decrypts a record with its persons, or undefined. */
export function loadCivilStatus(store: Store, id: string): CivilStatusRecord | undefined {
  const row = store.db.prepare('SELECT * FROM civil_status_records WHERE id = ?').get(id) as
    | RecordRow
    | undefined;
  return row ? decode(store, row) : undefined;
}

/** Records in one state, oldest submission first, at most `limit`. */
export function civilStatusInState(
  store: Store,
  state: CivilStatusState,
  limit: number,
): CivilStatusRecord[] {
  const rows = store.db
    .prepare('SELECT * FROM civil_status_records WHERE state = ? ORDER BY submitted_at, id LIMIT ?')
    .all(state, limit) as RecordRow[];
  return rows.map((row) => decode(store, row));
}

/** The record that a registry submission id was sent for, or undefined. */
export function civilStatusBySubmission(store: Store, submissionId: string): CivilStatusRecord | undefined {
  const row = store.db
    .prepare('SELECT id FROM civil_status_records WHERE submission_id = ?')
    .get(submissionId) as { id: string } | undefined;
  return row ? loadCivilStatus(store, row.id) : undefined;
}

function decode(store: Store, row: RecordRow): CivilStatusRecord {
  const key = store.keys.field;
  const sealed = JSON.parse(decryptField(key, row.details_enc, bind(row.id, 'details_enc'))) as SealedDetails;
  const nationalId = decryptOptional(key, row.national_id_enc, bind(row.id, 'national_id_enc'));
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    channel: row.channel,
    eventCountry: row.event_country,
    ...sealed,
    persons: loadParticipants(store, row.id),
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
    registry: {
      state: row.registry_state,
      submissionId: row.submission_id,
      decision: row.registry_decision,
      decidedAt: row.registry_decided_at,
      ...(nationalId ? { nationalId } : {}),
    },
  };
}

function loadParticipants(store: Store, recordId: string): Participant[] {
  const rows = store.db
    .prepare('SELECT id, data_enc FROM civil_status_persons WHERE record_id = ? ORDER BY position')
    .all(recordId) as Array<{ id: string; data_enc: Uint8Array }>;
  return rows.map(
    (row) => JSON.parse(decryptField(store.keys.field, row.data_enc, personBinding(row.id))) as Participant,
  );
}

function bind(id: string, column: string) {
  return { table: 'civil_status_records', column, rowId: id };
}

function personBinding(id: string) {
  return { table: 'civil_status_persons', column: 'data_enc', rowId: id };
}
