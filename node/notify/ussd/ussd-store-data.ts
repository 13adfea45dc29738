import { DateTime } from 'luxon';
import { blindIndex } from '../../crypto/blind-index.js';
import type { Store } from '../../db/store.js';
import {
  isClosedOn,
  MISSION_SCOPE,
  readClosures,
  readOpeningHours,
} from '../../services/appointments/calendar.js';
import { getService, listServices } from '../../services/catalogue/catalogue.js';
import { FileError, FileErrorCode } from '../../services/files/errors.js';
import type { FileService } from '../../services/files/file-service.js';
import type { UssdData, UssdFileLookup, UssdHours, UssdServiceFees } from './ussd-data.js';
import type { TrackProblem, UssdLang } from './ussd-messages.js';

/** What the menu's readings need from the node. */
export interface UssdStoreDeps {
  readonly store: Store;
  readonly files: FileService;
  readonly trackingPrefix: string;
  readonly zone: string;
  readonly now: () => Date;
}

/** Days ahead in which the next closure is announced. */
const CLOSURE_HORIZON_DAYS = 30;
/** Upcoming bookings of one number looked at: the first, and how many more. */
const BOOKINGS_LOOKED_AT = 20;

const PROBLEMS: Readonly<Record<string, TrackProblem>> = {
  [FileErrorCode.InvalidTrackingNumber]: 'invalid',
  [FileErrorCode.OtherMission]: 'other_mission',
  [FileErrorCode.NotFound]: 'not_found',
};

/** The menu's readings over the mission's store, for one callback (catalogue read once). */
export function ussdStoreData(deps: UssdStoreDeps): UssdData {
  const catalogue = new Map<UssdLang, UssdServiceFees[]>();
  return {
    trackingPrefix: deps.trackingPrefix,
    zone: deps.zone,
    lookupFile: (typed, phone, lang) => lookupFile(deps, typed, phone, lang),
    nextAppointment: (phone, lang) => nextAppointment(deps, phone, lang),
    services(lang) {
      const cached = catalogue.get(lang);
      if (cached) return cached;
      const services = listServices(deps.store, lang).map(({ name, fees }) => ({ name, fees }));
      catalogue.set(lang, services);
      return services;
    },
    hours: () => missionHours(deps),
  };
}

// On a keypad the prefix is three more letters to type: the number alone is read as this mission's.
function withPrefix(typed: string, prefix: string): string {
  const compact = typed.toUpperCase().replace(/[\s.-]/g, '');
  return compact.length === 9 ? `${prefix}${compact}` : typed;
}

/**
 * The status, as the public API gives it to anyone holding the number; with the service's name
 * when the caller's number is the applicant's (the phone is the secret, as on the portal).
 */
function lookupFile(
  deps: UssdStoreDeps,
  typed: string,
  phone: string | undefined,
  lang: UssdLang,
): UssdFileLookup {
  try {
    const view = deps.files.lookup(withPrefix(typed, deps.trackingPrefix), phone);
    const status = {
      found: true,
      trackingNumber: view.trackingNumber,
      state: view.state,
      since: view.stateSince,
    };
    if (!view.detailed) return { ...status, found: true };
    const serviceName = getService(deps.store, view.serviceCode, lang)?.name ?? view.serviceCode;
    return { ...status, found: true, serviceName };
  } catch (error) {
    const problem = error instanceof FileError ? PROBLEMS[error.code] : undefined;
    if (problem === undefined) throw error;
    return { found: false, problem };
  }
}

// Bookings carry a blind index of their phone: found without decrypting anyone's number.
function nextAppointment(deps: UssdStoreDeps, phone: string, lang: UssdLang) {
  const rows = deps.store.db
    .prepare(
      `SELECT service_code, slot_start FROM appointments
       WHERE phone_bidx = ? AND state = 'confirmed' AND slot_end > ? ORDER BY slot_start LIMIT ?`,
    )
    .all(blindIndex(deps.store.keys.index, 'phone', phone), deps.now().toISOString(), BOOKINGS_LOOKED_AT) as {
    service_code: string;
    slot_start: string;
  }[];
  const [first] = rows;
  if (!first) return undefined;
  const serviceName = getService(deps.store, first.service_code, lang)?.name ?? first.service_code;
  return { slotStart: first.slot_start, serviceName, others: rows.length - 1 };
}

function missionHours(deps: UssdStoreDeps): UssdHours {
  const { db } = deps.store;
  const ranges = readOpeningHours(db, MISSION_SCOPE);
  const closures = readClosures(db, MISSION_SCOPE);
  const openDays = new Set(ranges.map((range) => range.weekday));
  const today = DateTime.fromJSDate(deps.now()).setZone(deps.zone).startOf('day');
  for (let offset = 0; offset <= CLOSURE_HORIZON_DAYS; offset++) {
    const day = today.plus({ days: offset });
    const iso = day.toISODate() ?? '';
    if (openDays.has(day.weekday) && isClosedOn(closures, iso)) return { ranges, nextClosure: iso };
  }
  return { ranges };
}
