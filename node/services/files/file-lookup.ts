import { createHash, timingSafeEqual } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { blindIndex, phoneIndex } from '../../crypto/blind-index.js';
import type { Store } from '../../db/store.js';
import type { PeopleRepository } from '../people/people-repository.js';
import type { Person } from '../people/person-schema.js';
import { FileError, FileErrorCode } from './errors.js';
import { selectFileByTracking, selectTransitions } from './file-rows.js';
import type { FileState } from './workflow.js';

/** What anyone holding a tracking number may see. */
export interface PublicFileStatus {
  readonly detailed: false;
  readonly trackingNumber: string;
  readonly state: FileState;
  readonly stateSince: string;
}

/** What the applicant sees once they gave their phone number or birth date. */
export interface PublicFileDetails extends Omit<PublicFileStatus, 'detailed'> {
  readonly detailed: true;
  readonly serviceCode: string;
  readonly channel: 'counter' | 'online';
  readonly openedAt: string;
  readonly applicant: { readonly givenNames: string; readonly familyName: string };
  /** States and when they were entered; agents' names and notes stay internal. */
  readonly history: readonly { readonly state: FileState; readonly at: string }[];
}

/** The answer of the public lookup. */
export type PublicFileView = PublicFileStatus | PublicFileDetails;

/**
 * Looks a file up by its canonical tracking number. Without a secret, or with one that is not the
 * applicant's, the answer is the same status-only view: a wrong guess learns nothing more. The
 * HTTP layer rate-limits this route, since a birth date is a small space to guess in.
 */
export function lookupFile(
  deps: { store: Store; people: PeopleRepository; defaultRegion: CountryCode },
  trackingNumber: string,
  secret?: string,
): PublicFileView {
  const row = selectFileByTracking(deps.store, trackingNumber);
  if (!row) throw new FileError(FileErrorCode.NotFound, 'no file with this tracking number');
  const status: PublicFileStatus = {
    detailed: false,
    trackingNumber: row.tracking_number,
    state: row.state,
    stateSince: row.state_since,
  };
  const person = secret === undefined ? undefined : deps.people.get(row.person_id);
  if (secret === undefined || !person || !isApplicantSecret(deps, person, secret)) return status;
  return {
    ...status,
    detailed: true,
    serviceCode: row.service_code,
    channel: row.channel,
    openedAt: row.opened_at,
    applicant: { givenNames: person.givenNames, familyName: person.familyName },
    history: selectTransitions(deps.store, row.id).map((move) => ({ state: move.to, at: move.at })),
  };
}

/**
 * True when the secret is the applicant's phone number (in any common format, compared through the
 * blind index) or birth date (`1988-03-14`, `14/03/1988`, `14.03.1988`, `14031988`).
 */
export function isApplicantSecret(
  deps: { store: Store; defaultRegion: CountryCode },
  person: Person,
  secret: string,
): boolean {
  const typed = secret.trim().slice(0, 40);
  const birthDate = normaliseBirthDate(typed);
  if (birthDate !== undefined) return person.birthDate !== undefined && sameText(birthDate, person.birthDate);
  if (person.phone === undefined) return false;
  const typedIndex = phoneIndex(deps.store.keys.index, typed, deps.defaultRegion);
  const storedIndex = blindIndex(deps.store.keys.index, 'phone', person.phone);
  return typedIndex !== undefined && timingSafeEqual(typedIndex, storedIndex);
}

function normaliseBirthDate(typed: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const european = /^(\d{2})[/.]?(\d{2})[/.]?(\d{4})$/.exec(typed);
  return european ? `${european[3]}-${european[2]}-${european[1]}` : undefined;
}

// Digests first: timingSafeEqual needs equal lengths, and the comparison must not leak a prefix.
function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
