import { decryptField, decryptOptional } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import type { Language } from '../catalogue/catalogue-schema.js';
import type { PersonRow } from '../people/people-codec.js';
import type { Zone } from './roll-call-schema.js';

/** A registered national a roll-call reaches. */
export interface TargetPerson {
  readonly personId: string;
  readonly registrationId: string;
  readonly name: string;
  /** The language the person asked to be written to, when their registration says. */
  readonly language: Language | undefined;
}

/** One phone a roll-call texts, and everyone registered with it (a household shares one SMS). */
export interface TargetPhone {
  readonly phone: string;
  readonly phoneBidx: Uint8Array;
  readonly people: readonly TargetPerson[];
  readonly language: Language;
}

/** Who a roll-call would reach, and who it cannot text. */
export interface TargetPlan {
  readonly phones: readonly TargetPhone[];
  readonly people: number;
  /** Registered nationals of the zone without a phone: for agents to reach otherwise. */
  readonly withoutPhone: readonly TargetPerson[];
}

/**
 * Registrations a roll-call reaches: verified by an agent or active. Submitted ones are not yet
 * checked (anyone can submit), rejected and deregistered ones are gone; expired ones are left out
 * as the brief of a register's "registered nationals" reads, which an agent can revisit. The
 * `contact` consent is not asked: it covers the ministry's diaspora projects, whereas a roll-call
 * is the consular protection the registration itself is for.
 */
const REACHED_STATES = ['verified', 'active'] as const;

/** Of a person's row, only what a roll-call reads: names, phone and address. */
interface TargetRow
  extends Pick<
    PersonRow,
    'id' | 'given_names_enc' | 'family_name_enc' | 'phone_enc' | 'address_enc' | 'phone_bidx'
  > {
  registration_id: string;
  languages: string;
}

/**
 * The registered nationals of a zone, grouped by phone. Addresses are free text, encrypted: the
 * zone is matched on the decrypted address, a city or region counting when its words appear in it
 * as whole words, case and accents aside (`Yaounde` matches `Bastos, Yaoundé`). A street named
 * after a city matches it too (`rue de Paris, Créteil` is in Paris): the dry run's counts are
 * there to catch that before the SMS go.
 */
export function planTargets(store: Store, zone: Zone): TargetPlan {
  const rows = store.db
    .prepare(
      `SELECT p.id, p.given_names_enc, p.family_name_enc, p.phone_enc, p.address_enc, p.phone_bidx,
         r.id AS registration_id, r.languages FROM registrations r JOIN people p ON p.id = r.person_id
       WHERE r.state IN (${REACHED_STATES.map(() => '?').join(', ')}) ORDER BY r.submitted_at, r.id`,
    )
    .all(...REACHED_STATES) as TargetRow[];
  const inZone = zoneMatcher(zone);
  const phones = new Map<string, { phone: string; phoneBidx: Uint8Array; people: TargetPerson[] }>();
  const seen = new Set<string>();
  const withoutPhone: TargetPerson[] = [];
  let people = 0;
  for (const row of rows) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    // The address first: a person outside the zone costs one decryption, not four.
    const address = decryptOptional(store.keys.field, row.address_enc, bind(row.id, 'address_enc'));
    if (!inZone(address)) continue;
    const person = {
      givenNames: decryptField(store.keys.field, row.given_names_enc, bind(row.id, 'given_names_enc')),
      familyName: decryptField(store.keys.field, row.family_name_enc, bind(row.id, 'family_name_enc')),
      phone: decryptOptional(store.keys.field, row.phone_enc, bind(row.id, 'phone_enc')),
    };
    people += 1;
    const target = {
      personId: row.id,
      registrationId: row.registration_id,
      name: `${person.givenNames} ${person.familyName}`,
      language: languageOf(row.languages),
    };
    if (person.phone === undefined || row.phone_bidx === null) {
      withoutPhone.push(target);
      continue;
    }
    const key = Buffer.from(row.phone_bidx).toString('hex');
    const entry = phones.get(key) ?? { phone: person.phone, phoneBidx: row.phone_bidx, people: [] };
    entry.people.push(target);
    phones.set(key, entry);
  }
  const grouped = [...phones.values()].map((entry) => ({
    ...entry,
    language: householdLanguage(entry.people),
  }));
  return { phones: grouped, people, withoutPhone };
}

// Where a person's ciphertexts are bound (people-codec.ts).
function bind(personId: string, column: string) {
  return { table: 'people', column, rowId: personId };
}

/** Whether an address lies in the zone. */
function zoneMatcher(zone: Zone): (address: string | undefined) => boolean {
  if ('all' in zone) return () => true;
  const places = ('cities' in zone ? zone.cities : zone.regions).map(words).filter((place) => place !== '');
  return (address) => {
    if (address === undefined) return false;
    const padded = ` ${words(address)} `;
    return places.some((place) => padded.includes(` ${place} `));
  };
}

/** Lower-case words without accents, one space apart: `Bastos, Yaoundé` → `bastos yaounde`. */
export function words(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const LANGUAGE_CODES: Readonly<Record<string, Language>> = {
  fr: 'fr',
  fra: 'fr',
  fre: 'fr',
  sg: 'sg',
  sag: 'sg',
  en: 'en',
  eng: 'en',
};

/** The first of the registration's languages that the node writes in (census order: the person's). */
function languageOf(languages: string): Language | undefined {
  const listed = JSON.parse(languages) as unknown;
  if (!Array.isArray(listed)) return undefined;
  for (const code of listed) {
    const language = typeof code === 'string' ? LANGUAGE_CODES[code] : undefined;
    if (language) return language;
  }
  return undefined;
}

// One SMS for a household: in its language when everyone's is the same, else in French, which
// every registration form is in.
function householdLanguage(people: readonly TargetPerson[]): Language {
  const languages = new Set(people.map((person) => person.language ?? 'fr'));
  const [only] = languages;
  return languages.size === 1 && only !== undefined ? only : 'fr';
}
