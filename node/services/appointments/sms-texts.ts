import type { Language } from '../catalogue/catalogue-schema.js';
import { offsetAt } from './zone-offsets.js';

/** What an SMS about an appointment says. */
export type AppointmentSmsKind = 'code' | 'confirmed' | 'cancelled' | 'rescheduled' | 'reminder' | 'offer';

/** The facts an SMS may carry: never a name or a document number. */
export interface SmsFacts {
  readonly reference: string;
  readonly slotStart: string;
  readonly zone: string;
  readonly code?: string;
  readonly minutes?: number;
}

type Texts = Record<AppointmentSmsKind, (f: Required<Omit<SmsFacts, 'zone' | 'slotStart'>> & When) => string>;
interface When {
  readonly date: string;
  readonly time: string;
}

// Short, plain ASCII (feature phones and GSM-7: no accents), one SMS each where possible.
// The Sango wording awaits a native speaker's review.
const TEXTS: Record<Language, Texts> = {
  fr: {
    code: (f) =>
      `Consulat RCA: code ${f.code} pour confirmer le RDV ${f.reference} du ${f.date} a ${f.time}. Valable ${f.minutes} min.`,
    confirmed: (f) =>
      `Consulat RCA: RDV ${f.reference} confirme le ${f.date} a ${f.time}. Venez avec la piece indiquee.`,
    cancelled: (f) => `Consulat RCA: RDV ${f.reference} du ${f.date} a ${f.time} annule.`,
    rescheduled: (f) => `Consulat RCA: RDV ${f.reference} deplace au ${f.date} a ${f.time}.`,
    reminder: (f) =>
      `Consulat RCA: rappel, RDV ${f.reference} le ${f.date} a ${f.time}. Venez avec la piece indiquee.`,
    offer: (f) =>
      `Consulat RCA: une place se libere le ${f.date} a ${f.time}. Code ${f.code}, RDV ${f.reference}, a confirmer sous ${f.minutes} min.`,
  },
  sg: {
    code: (f) =>
      `Konsula ti Beafrika: code ${f.code} ti confirmer RDV ${f.reference} lango ${f.date} na ${f.time}. Mn ${f.minutes}.`,
    confirmed: (f) =>
      `Konsula ti Beafrika: RDV ${f.reference} confirme lango ${f.date} na ${f.time}. Ga na mbeti ti mo.`,
    cancelled: (f) => `Konsula ti Beafrika: RDV ${f.reference} ti ${f.date} na ${f.time} a zia ni.`,
    rescheduled: (f) => `Konsula ti Beafrika: RDV ${f.reference} aga lango ${f.date} na ${f.time}.`,
    reminder: (f) =>
      `Konsula ti Beafrika: RDV ${f.reference} lango ${f.date} na ${f.time}. Ga na mbeti ti mo.`,
    offer: (f) =>
      `Konsula ti Beafrika: place ayeke lango ${f.date} na ${f.time}. Code ${f.code}, RDV ${f.reference}. Mn ${f.minutes}.`,
  },
  en: {
    code: (f) =>
      `RCA Consulate: code ${f.code} to confirm appointment ${f.reference} on ${f.date} at ${f.time}. Valid ${f.minutes} min.`,
    confirmed: (f) =>
      `RCA Consulate: appointment ${f.reference} confirmed on ${f.date} at ${f.time}. Bring the document you named.`,
    cancelled: (f) => `RCA Consulate: appointment ${f.reference} on ${f.date} at ${f.time} cancelled.`,
    rescheduled: (f) => `RCA Consulate: appointment ${f.reference} moved to ${f.date} at ${f.time}.`,
    reminder: (f) =>
      `RCA Consulate: reminder, appointment ${f.reference} on ${f.date} at ${f.time}. Bring the document you named.`,
    offer: (f) =>
      `RCA Consulate: a place is free on ${f.date} at ${f.time}. Code ${f.code}, appointment ${f.reference}, confirm within ${f.minutes} min.`,
  },
};

/** The text of an appointment SMS in the applicant's language, date and time in the mission's zone. */
export function appointmentSmsText(kind: AppointmentSmsKind, lang: Language, facts: SmsFacts): string {
  const utcMs = Date.parse(facts.slotStart);
  // The wall clock of the mission read off a UTC ISO string shifted by the zone's offset: every
  // booking queues an SMS, and a time-zone library's formatting was a tenth of a booking's cost.
  const local = new Date(utcMs + offsetAt(facts.zone, utcMs) * 60_000).toISOString();
  return TEXTS[lang][kind]({
    reference: facts.reference,
    code: facts.code ?? '',
    minutes: facts.minutes ?? 0,
    date: `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`,
    time: local.slice(11, 16),
  });
}
