import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { type ConsentStatus, currentConsents } from './registration-consent.js';
import type { Census, Channel, ConsentPurpose } from './registration-schema.js';

/** Workflow states of a registration. */
export type RegistrationState = 'submitted' | 'verified' | 'active' | 'expired' | 'rejected' | 'deregistered';

/** Where a record stands with the national registry. */
export type RegistryState = 'none' | 'submitted' | 'reconciled' | 'review';

/** Personal details of a registration beyond the people row; stored only encrypted. */
export interface RegistrationDetails {
  readonly sex?: 'F' | 'M' | 'X';
  readonly birthPlace?: string;
  readonly fatherName?: string;
  readonly motherName?: string;
  readonly nationalId?: string;
  /** Partial date of arrival in the host country. */
  readonly arrivalDate?: string;
  readonly consularCardNumber?: string;
}

/** A registration as the service returns it, decrypted. */
export interface Registration {
  readonly id: string;
  readonly personId: string;
  readonly state: RegistrationState;
  readonly channel: Channel;
  readonly details: RegistrationDetails;
  readonly census: Census;
  readonly consents: Readonly<Record<ConsentPurpose, ConsentStatus>>;
  readonly submittedAt: string;
  readonly expiresAt: string | null;
  readonly updatedAt: string;
  readonly registry: {
    readonly state: RegistryState;
    readonly submissionId: string | null;
    readonly decision: string | null;
    readonly decidedAt: string | null;
  };
}

/** The columns a registration is saved from (consents live in their own append-only table). */
export type RegistrationDraft = Omit<Registration, 'consents'>;

interface RegistrationRow {
  id: string;
  person_id: string;
  state: RegistrationState;
  channel: Channel;
  details_enc: Uint8Array;
  sector: string | null;
  languages: string;
  education_level: string | null;
  contributions: string;
  submitted_at: string;
  expires_at: string | null;
  updated_at: string;
  submission_id: string | null;
  registry_state: RegistryState;
  registry_decision: string | null;
  registry_decided_at: string | null;
}

// Free-text census answers (profession, skills) are personal: they travel in details_enc.
interface SealedDetails extends RegistrationDetails {
  readonly profession?: string;
  readonly skills: string[];
}

const SAVE = `INSERT INTO registrations (id, person_id, state, channel, details_enc, sector, languages,
    education_level, contributions, submitted_at, expires_at, updated_at, submission_id, registry_state,
    registry_decision, registry_decided_at)
  VALUES (@id, @person_id, @state, @channel, @details_enc, @sector, @languages, @education_level,
    @contributions, @submitted_at, @expires_at, @updated_at, @submission_id, @registry_state,
    @registry_decision, @registry_decided_at)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, details_enc = excluded.details_enc,
    sector = excluded.sector, languages = excluded.languages, education_level = excluded.education_level,
    contributions = excluded.contributions, expires_at = excluded.expires_at, updated_at = excluded.updated_at,
    submission_id = excluded.submission_id, registry_state = excluded.registry_state,
    registry_decision = excluded.registry_decision, registry_decided_at = excluded.registry_decided_at`;

/** Inserts or updates a registration's row, encrypting its personal details. */
export function saveRegistration(store: Store, draft: RegistrationDraft): void {
  const { profession, skills, ...census } = draft.census;
  const sealed: SealedDetails = { ...draft.details, ...(profession ? { profession } : {}), skills };
  const row: RegistrationRow = {
    id: draft.id,
    person_id: draft.personId,
    state: draft.state,
    channel: draft.channel,
    details_enc: encryptField(store.keys.field, JSON.stringify(sealed), binding(draft.id)),
    sector: census.sector ?? null,
    languages: JSON.stringify(census.languages),
    education_level: census.educationLevel ?? null,
    contributions: JSON.stringify(census.contributions),
    submitted_at: draft.submittedAt,
    expires_at: draft.expiresAt,
    updated_at: draft.updatedAt,
    submission_id: draft.registry.submissionId,
    registry_state: draft.registry.state,
    registry_decision: draft.registry.decision,
    registry_decided_at: draft.registry.decidedAt,
  };
  store.db.prepare(SAVE).run(row);
}

/** Reads and decrypts a registration, or undefined. */
export function loadRegistration(store: Store, id: string): Registration | undefined {
  const row = store.db.prepare('SELECT * FROM registrations WHERE id = ?').get(id) as
    | RegistrationRow
    | undefined;
  return row ? decodeRegistration(store, row) : undefined;
}

/** Registrations matching a clear column (person_id, state, submission_id). */
export function selectRegistrations(
  store: Store,
  column: 'person_id' | 'state' | 'submission_id',
  value: string,
): Registration[] {
  const rows = store.db
    .prepare(`SELECT * FROM registrations WHERE ${column} = ? ORDER BY submitted_at`)
    .all(value) as RegistrationRow[];
  return rows.map((row) => decodeRegistration(store, row));
}

function decodeRegistration(store: Store, row: RegistrationRow): Registration {
  const sealed = JSON.parse(
    decryptField(store.keys.field, row.details_enc, binding(row.id)),
  ) as SealedDetails;
  const { profession, skills, ...details } = sealed;
  const census = {
    ...(profession ? { profession } : {}),
    ...(row.sector ? { sector: row.sector } : {}),
    skills,
    languages: JSON.parse(row.languages) as string[],
    ...(row.education_level ? { educationLevel: row.education_level } : {}),
    contributions: JSON.parse(row.contributions) as string[],
  } as Census;
  return {
    id: row.id,
    personId: row.person_id,
    state: row.state,
    channel: row.channel,
    details,
    census,
    consents: currentConsents(store, row.id),
    submittedAt: row.submitted_at,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
    registry: {
      state: row.registry_state,
      submissionId: row.submission_id,
      decision: row.registry_decision,
      decidedAt: row.registry_decided_at,
    },
  };
}

function binding(id: string) {
  return { table: 'registrations', column: 'details_enc', rowId: id };
}
