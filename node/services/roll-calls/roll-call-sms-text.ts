import type { Language } from '../catalogue/catalogue-schema.js';

/** What a roll-call SMS says to one phone. */
export interface RollCallSmsFacts {
  readonly title: string;
  readonly message: string;
  /** Everyone registered with the phone: the one SMS names them all. */
  readonly names: readonly string[];
  readonly language: Language;
  /** The web link to answer (`https://…/r/<token>`), when the node has a public address. */
  readonly link?: string | undefined;
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
 * The SMS of a roll-call: title, message, the names it is for, the answer codes and the web link.
 * Names that do not fit are counted instead (`+2`): the codes always go, and the link unless even
 * that leaves it no room (never cut: a cut link would lead nowhere).
 */
export function rollCallSmsText(facts: RollCallSmsFacts): string {
  if (facts.link !== undefined) {
    const withLink = composeSms(facts, `\n${facts.link}`);
    if (withLink !== undefined) return withLink;
  }
  return composeSms(facts, '') ?? composeBare(facts);
}

function composeSms(facts: RollCallSmsFacts, tail: string): string | undefined {
  const text = TEXTS[facts.language];
  const compose = (names: string) =>
    `${facts.title}: ${facts.message}\n${text.for}: ${names}\n${text.codes}${tail}`;
  for (let shown = facts.names.length; shown >= 1; shown--) {
    const rest = facts.names.length - shown;
    const names = facts.names.slice(0, shown).join(', ') + (rest > 0 ? ` +${rest}` : '');
    const composed = compose(names);
    if (composed.length <= ROLL_CALL_SMS_MAX) return composed;
  }
  const counted = compose(`${facts.names.length}`);
  return counted.length <= ROLL_CALL_SMS_MAX ? counted : undefined;
}

function composeBare(facts: RollCallSmsFacts): string {
  const text = TEXTS[facts.language];
  return `${facts.title}: ${facts.message}\n${text.for}: ${facts.names.length}\n${text.codes}`.slice(
    0,
    ROLL_CALL_SMS_MAX,
  );
}
