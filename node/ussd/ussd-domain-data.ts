import { DateTime } from 'luxon';
import type { Appointments } from '../services/appointments/appointments.js';
import { isClosedOn } from '../services/appointments/calendar.js';
import type { MissionHours } from '../services/appointments/mission-hours.js';
import type { CatalogueService } from '../services/catalogue/catalogue-service.js';
import { FileError, FileErrorCode } from '../services/files/errors.js';
import type { FileService } from '../services/files/file-service.js';
import type { OpenRollCall, RollCallChannels } from '../services/roll-calls/index.js';
import type { UssdData, UssdFileLookup, UssdHours, UssdRollCalls, UssdServiceFees } from './ussd-data.js';
import type { TrackProblem, UssdLang } from './ussd-messages.js';

/** What the menu's readings need from the node. */
export interface UssdDomainDeps {
  readonly catalogue: CatalogueService;
  readonly files: FileService;
  readonly appointments: Pick<Appointments, 'upcomingOfPhone'>;
  readonly missionHours: MissionHours;
  readonly trackingPrefix: string;
  readonly zone: string;
  readonly now: () => Date;
  readonly rollCalls?: Pick<RollCallChannels, 'openForPhone' | 'answerFromPhone'>;
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

/** The menu's readings through the mission's services, for one callback (catalogue read once). */
export function ussdDomainData(deps: UssdDomainDeps): UssdData {
  const catalogue = new Map<UssdLang, UssdServiceFees[]>();
  return {
    trackingPrefix: deps.trackingPrefix,
    zone: deps.zone,
    lookupFile: (typed, phone, lang) => lookupFile(deps, typed, phone, lang),
    nextAppointment: (phone, lang) => nextAppointment(deps, phone, lang),
    services(lang) {
      const cached = catalogue.get(lang);
      if (cached) return cached;
      const services = deps.catalogue.listServices(lang).map(({ name, fees }) => ({ name, fees }));
      catalogue.set(lang, services);
      return services;
    },
    hours: () => missionHours(deps),
    ...(deps.rollCalls ? { rollCalls: ussdRollCalls(deps.rollCalls) } : {}),
  };
}

// Read once per callback: the menu asks at each step it replays.
function ussdRollCalls(rollCalls: NonNullable<UssdDomainDeps['rollCalls']>): UssdRollCalls {
  const open = new Map<string, OpenRollCall | undefined>();
  const openFor = (phone: string) => {
    if (!open.has(phone)) open.set(phone, rollCalls.openForPhone(phone));
    return open.get(phone);
  };
  return {
    open(phone, lang) {
      const rollCall = openFor(phone);
      return rollCall && { title: rollCall.title, message: rollCall.message[lang] };
    },
    answer: (phone, status) => rollCalls.answerFromPhone(phone, status, 'ussd').ok,
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
  deps: UssdDomainDeps,
  typed: string,
  phone: string | undefined,
  lang: UssdLang,
): UssdFileLookup {
  try {
    // The gateway vouches for the caller's number: not a typed guess, never counted towards a lock.
    const view = deps.files.lookup(withPrefix(typed, deps.trackingPrefix), phone, { source: 'gateway' });
    const status = {
      found: true,
      trackingNumber: view.trackingNumber,
      state: view.state,
      since: view.stateSince,
    };
    if (!view.detailed) return { ...status, found: true };
    const serviceName = deps.catalogue.getService(view.serviceCode, lang)?.name ?? view.serviceCode;
    return { ...status, found: true, serviceName };
  } catch (error) {
    const problem = error instanceof FileError ? PROBLEMS[error.code] : undefined;
    if (problem === undefined) throw error;
    return { found: false, problem };
  }
}

function nextAppointment(deps: UssdDomainDeps, phone: string, lang: UssdLang) {
  const bookings = deps.appointments.upcomingOfPhone(phone, BOOKINGS_LOOKED_AT);
  const [first] = bookings;
  if (!first) return undefined;
  const serviceName = deps.catalogue.getService(first.serviceCode, lang)?.name ?? first.serviceCode;
  return { slotStart: first.slotStart, serviceName, others: bookings.length - 1 };
}

function missionHours(deps: UssdDomainDeps): UssdHours {
  const ranges = deps.missionHours.openingHours();
  const closures = deps.missionHours.closures();
  const openDays = new Set(ranges.map((range) => range.weekday));
  const today = DateTime.fromJSDate(deps.now()).setZone(deps.zone).startOf('day');
  for (let offset = 0; offset <= CLOSURE_HORIZON_DAYS; offset++) {
    const day = today.plus({ days: offset });
    const iso = day.toISODate() ?? '';
    if (openDays.has(day.weekday) && isClosedOn(closures, iso)) return { ranges, nextClosure: iso };
  }
  return { ranges };
}
