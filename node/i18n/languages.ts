import { type Language, languageSchema } from '../services/catalogue/catalogue-schema.js';

export { type Language, languageSchema };

/** The portal's languages, in the order the language links show them; French is the default. */
export const LANGUAGES: readonly Language[] = languageSchema.options;

/** The language of a visitor who expressed no preference. */
export const DEFAULT_LANGUAGE: Language = 'fr';

/** The Intl locale that formats dates and money in each language (ICU knows Sango as `sg`). */
export const LOCALES: Readonly<Record<Language, string>> = { fr: 'fr-FR', sg: 'sg', en: 'en-GB' };

/** True when a value names one of the portal's languages. */
export function isLanguage(value: unknown): value is Language {
  return languageSchema.safeParse(value).success;
}
