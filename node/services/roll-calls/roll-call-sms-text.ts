import type { Language } from '../catalogue/catalogue-schema.js';

/** What a roll-call SMS says to one phone. */
export interface RollCallSmsFacts {
  readonly title: string;
  readonly message: string;
  /** Everyone registered with the phone: the one SMS names them all. */
  readonly names: readonly string[];
  readonly language: Language;
}

/** The outbox's limit: three concatenated SMS. */
export const ROLL_CALL_SMS_MAX = 480;

// The codes in plain ASCII (GSM-7 on every handset); the consul's own title and message go as
// typed. The Sango wording awaits a native speaker's review.
const TEXTS: Record<Language, { for: string; codes: string }> = {
  fr: { for: 'Pour', codes: 'Repondez 1 = en securite, 2 = besoin d aide, 3 = hors de la zone.' },
  sg: { for: 'Na', codes: 'Kiri 1 = mo yeke na siriri, 2 = mo ye mungo maboko, 3 = mo yeke na ndo so pepe.' },
  en: { for: 'For', codes: 'Reply 1 = safe, 2 = need help, 3 = not in the area.' },
};

/**
 * The SMS of a roll-call: title, message, the names it is for and the answer codes. Names that do
 * not fit are counted instead (`+2`): the codes always go.
 */
export function rollCallSmsText(facts: RollCallSmsFacts): string {
  const text = TEXTS[facts.language];
  const compose = (names: string) => `${facts.title}: ${facts.message}\n${text.for}: ${names}\n${text.codes}`;
  for (let shown = facts.names.length; shown >= 1; shown--) {
    const rest = facts.names.length - shown;
    const names = facts.names.slice(0, shown).join(', ') + (rest > 0 ? ` +${rest}` : '');
    const composed = compose(names);
    if (composed.length <= ROLL_CALL_SMS_MAX) return composed;
  }
  return compose(`${facts.names.length}`).slice(0, ROLL_CALL_SMS_MAX);
}
