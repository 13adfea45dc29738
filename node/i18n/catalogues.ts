import type { Language } from './languages.js';
import { en } from './messages/en.js';
import { fr, type MessageKey, type Messages } from './messages/fr.js';
import { sg } from './messages/sg.js';

export type { MessageKey, Messages };

/** Every message in every language. French defines the keys; the others are typed to have them all. */
export const CATALOGUES: Readonly<Record<Language, Messages>> = { fr, sg, en };

/** The message keys, in the French catalogue's order. */
export const MESSAGE_KEYS = Object.keys(fr) as MessageKey[];

const EVERYWHERE: readonly MessageKey[] = ['site.name', 'lang.fr', 'lang.sg', 'lang.en'];

/**
 * Messages that read as the French one on purpose: the product's name and the names of languages
 * in their own language everywhere, and words a language shares with French (English `Service`,
 * Sango's loanwords `E-mail`, `Licence`). Any other message equal to the French is untranslated.
 */
export const SAME_AS_FRENCH: Readonly<Record<Language, ReadonlySet<MessageKey>>> = {
  fr: new Set(MESSAGE_KEYS),
  sg: new Set<MessageKey>([
    ...EVERYWHERE,
    'mission.email',
    'forms.email',
    'education.bachelor',
    'education.doctorate',
  ]),
  en: new Set<MessageKey>([
    ...EVERYWHERE,
    'services.minutes',
    'forms.signature',
    'booking.onePlace',
    'booking.places',
    'booking.service',
    'census.profession',
    'sector.agriculture',
    'sector.finance',
    'sector.transport',
    'language.sg',
    'language.ln',
    'language.sw',
  ]),
};

/**
 * Keys of a language that are missing, empty, or still the French text (outside
 * {@link SAME_AS_FRENCH}). The portal's tests require this list to be empty.
 */
export function untranslatedKeys(lang: Language): MessageKey[] {
  const messages: Readonly<Record<string, string | undefined>> = CATALOGUES[lang];
  return MESSAGE_KEYS.filter((key) => {
    const text = Object.hasOwn(messages, key) ? messages[key] : undefined;
    if (text === undefined || text.trim() === '') return true;
    return text === fr[key] && !SAME_AS_FRENCH[lang].has(key);
  });
}
