import type { FileState } from '../services/files/workflow.js';
import type { AnsweredStatus } from '../services/roll-calls/index.js';
import type { TrackProblem, UssdLang } from './ussd-messages.js';

/** A file's status as the menu tells it. */
export type UssdFileLookup =
  | {
      readonly found: true;
      readonly trackingNumber: string;
      readonly state: FileState;
      /** When the file entered its state (ISO instant). */
      readonly since: string;
      /** Only when the caller's number is the applicant's. */
      readonly serviceName?: string;
    }
  | { readonly found: false; readonly problem: TrackProblem };

/** The caller's next booking. */
export interface UssdAppointment {
  readonly slotStart: string;
  readonly serviceName: string;
  /** Other upcoming bookings of the same number (families share phones). */
  readonly others: number;
}

/** A service of the catalogue with what it costs at this mission. */
export interface UssdServiceFees {
  readonly name: string;
  readonly fees: readonly { readonly amountMinor: number; readonly currency: string }[];
}

/** The mission's week and its next closed working day. */
export interface UssdHours {
  readonly ranges: readonly { readonly weekday: number; readonly opens: string; readonly closes: string }[];
  /** Local day `YYYY-MM-DD` of the next closure in the coming weeks, if any. */
  readonly nextClosure?: string;
}

/** A crisis roll-call open for the caller's phone, in the caller's language. */
export interface UssdRollCall {
  readonly title: string;
  readonly message: string;
}

/** The roll-call the caller's phone was reached by, and its answer (for everyone registered with it). */
export interface UssdRollCalls {
  open(callerPhone: string, lang: UssdLang): UssdRollCall | undefined;
  /** Records the caller's answer; false when no roll-call is open for the phone any more. */
  answer(callerPhone: string, status: AnsweredStatus): boolean;
}

/**
 * What the menu reads from the mission. The menu itself is pure: it maps the caller's answers
 * and these readings to a reply, so it is tested over a real store and over anything else alike.
 */
export interface UssdData {
  /** The mission's tracking prefix, for the example in the prompt. */
  readonly trackingPrefix: string;
  /** The mission's time zone, in which dates and times are told. */
  readonly zone: string;
  lookupFile(typed: string, callerPhone: string | undefined, lang: UssdLang): UssdFileLookup;
  nextAppointment(callerPhone: string, lang: UssdLang): UssdAppointment | undefined;
  services(lang: UssdLang): readonly UssdServiceFees[];
  hours(): UssdHours;
  /** Roll-calls, where the mission runs them: an entry heads the menu while one is open for the caller. */
  readonly rollCalls?: UssdRollCalls;
}
