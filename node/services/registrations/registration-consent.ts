import type { Store } from '../../db/store.js';
import { type Channel, CONSENT_PURPOSES, type ConsentPurpose } from './registration-schema.js';

/** The current state of one consent. */
export interface ConsentStatus {
  readonly granted: boolean;
  readonly at: string;
  readonly method: Channel;
  readonly textVersion: string;
  readonly actor: string;
}

/** One consent given or withdrawn. */
export interface ConsentEntry {
  readonly purpose: ConsentPurpose;
  readonly granted: boolean;
  readonly at: string;
  readonly method: Channel;
  readonly textVersion: string;
  readonly actor: string;
}

interface ConsentRow {
  purpose: ConsentPurpose;
  granted: 0 | 1;
  at: string;
  method: Channel;
  text_version: string;
  actor: string;
}

/** Appends a consent entry; call it inside the transaction of the change. */
export function appendConsent(store: Store, registrationId: string, entry: ConsentEntry): void {
  store.db
    .prepare(
      `INSERT INTO registration_consents (registration_id, purpose, granted, at, method, text_version, actor)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      registrationId,
      entry.purpose,
      entry.granted ? 1 : 0,
      entry.at,
      entry.method,
      entry.textVersion,
      entry.actor,
    );
}

/** The whole consent history of a registration, oldest first: the evidence of what was agreed. */
export function consentHistory(store: Store, registrationId: string): ConsentEntry[] {
  const rows = store.db
    .prepare(
      `SELECT purpose, granted, at, method, text_version, actor FROM registration_consents
       WHERE registration_id = ? ORDER BY id`,
    )
    .all(registrationId) as ConsentRow[];
  return rows.map((row) => ({
    purpose: row.purpose,
    granted: row.granted === 1,
    at: row.at,
    method: row.method,
    textVersion: row.text_version,
    actor: row.actor,
  }));
}

/** The consent in force for each purpose: the newest entry (a registration always has all three). */
export function currentConsents(store: Store, registrationId: string): Record<ConsentPurpose, ConsentStatus> {
  const current = {} as Record<ConsentPurpose, ConsentStatus>;
  for (const entry of consentHistory(store, registrationId)) {
    const { purpose, ...status } = entry;
    current[purpose] = status;
  }
  for (const purpose of CONSENT_PURPOSES)
    if (current[purpose] === undefined)
      throw new TypeError(`registration ${registrationId} lacks ${purpose}`);
  return current;
}
