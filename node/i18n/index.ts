export {
  CATALOGUES,
  MESSAGE_KEYS,
  type MessageKey,
  type Messages,
  SAME_AS_FRENCH,
  untranslatedKeys,
} from './catalogues.js';
export { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language, LOCALES } from './languages.js';
export { fromAcceptLanguage, type LanguageSource, negotiateLanguage } from './negotiate.js';
export { SANGO_REVIEWED, sangoAwaitingReview } from './sango-review.js';
export { type MessageParams, placeholdersOf, type Translate, translator } from './translate.js';
