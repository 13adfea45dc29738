import { CATALOGUES } from './catalogues.js';
import type { Language } from './languages.js';
import type { MessageKey } from './messages/fr.js';

/** Values put into a message's `{name}` placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** Gives the text of a message in one language. */
export type Translate = (key: MessageKey, params?: MessageParams) => string;

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * The translate function of a language. An unknown key or a missing placeholder value throws: a
 * template asking for a message nobody wrote must fail its tests, not show a key to a citizen.
 */
export function translator(lang: Language): Translate {
  const messages = CATALOGUES[lang];
  return (key, params) => {
    const text: string | undefined = Object.hasOwn(messages, key) ? messages[key] : undefined;
    if (text === undefined) throw new TypeError(`no message "${String(key)}"`);
    return params === undefined ? text : fill(text, params, key);
  };
}

/** The names of a message's placeholders, sorted (catalogues must agree on them). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '').sort();
}

function fill(text: string, params: MessageParams, key: MessageKey): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`message "${key}" needs a value for {${name}}`);
    return String(value);
  });
}
