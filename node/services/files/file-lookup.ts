import { createHash, timingSafeEqual } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { blindIndex, phoneIndex } from '../../crypto/blind-index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { enqueueSms } from '../outbox/sms-outbox.js';
import type { PeopleRepository } from '../people/people-repository.js';
import type { Person } from '../people/person-schema.js';
import { FileError, FileErrorCode } from './errors.js';
import { lookupLockedText } from './file-messages.js';
import { type FileRow, selectFileByTracking, selectTransitions } from './file-rows.js';
import { clearLookupFailures, lookupLockedUntil, recordLookupFailure } from './lookup-lock.js';
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

/** What a look-up needs. */
export interface LookupDeps {
  readonly store: Store;
  readonly people: PeopleRepository;
  readonly defaultRegion: CountryCode;
  readonly now: () => Date;
}

/** Where the secret comes from. */
export interface LookupOptions {
  /**
   * `typed` (the default): a person typed it (API, portal, payment, survey) and wrong ones count
   * towards the file's lock. `gateway`: the USSD gateway vouches for the caller's number, which
   * nobody can choose: not a guess, neither counted nor locked.
   */
  readonly source?: 'typed' | 'gateway';
}

/**
 * Looks a file up by its canonical tracking number. Without a secret, or with one that is not the
 * applicant's, the answer is the same status-only view: a wrong guess learns nothing more. Wrong
 * typed secrets are counted per file (a birth date is a small space to guess in, from any number
 * of addresses): after a few, the details lock for a time that doubles with each lock
 * (lookup-lock.ts), refused with `lookup_locked`, and the applicant is told by SMS.
 */
export function lookupFile(
  deps: LookupDeps,
  trackingNumber: string,
  secret?: string,
  options: LookupOptions = {},
): PublicFileView {
  const row = selectFileByTracking(deps.store, trackingNumber);
  if (!row) throw new FileError(FileErrorCode.NotFound, 'no file with this tracking number');
  const status: PublicFileStatus = {
    detailed: false,
    trackingNumber: row.tracking_number,
    state: row.state,
    stateSince: row.state_since,
  };
  if (secret === undefined) return status;
  const typed = options.source !== 'gateway';
  const now = deps.now();
  const lockedUntil = typed ? lookupLockedUntil(deps.store, row.id, now) : undefined;
  if (lockedUntil !== undefined) {
    // Even the right secret waits: answering it would let the guessing go on.
    throw new FileError(
      FileErrorCode.LookupLocked,
      `too many wrong answers for this file: try again after ${lockedUntil}`,
    );
  }
  const person = deps.people.get(row.person_id);
  if (!person || !isApplicantSecret(deps, person, secret)) {
    if (typed) countWrongSecret(deps, row, person, now);
    return status;
  }
  if (typed) clearLookupFailures(deps.store, row.id);
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

// In the caller's transaction-less read path: one immediate transaction for the count, and the SMS
// to the applicant when this failure starts a lock, so both commit together.
function countWrongSecret(deps: LookupDeps, row: FileRow, person: Person | undefined, now: Date): void {
  immediateTransaction(deps.store.db, () => {
    const locked = recordLookupFailure(deps.store, row.id, now);
    if (locked === undefined || person?.phone === undefined) return;
    const text = lookupLockedText(row.lang, row.tracking_number);
    enqueueSms(deps.store, { to: person.phone, text, purpose: 'file_lookup_locked', ref: row.id }, now);
  });
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
