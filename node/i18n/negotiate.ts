import { DEFAULT_LANGUAGE, isLanguage, type Language } from './languages.js';

/** Where the language of a page came from. */
export type LanguageSource = 'query' | 'cookie' | 'header' | 'default';

/** What a request says about the language its reader wants. */
export interface LanguageHints {
  /** `?lang=` of a language link. */
  readonly query?: unknown;
  /** The language remembered from an earlier link. */
  readonly cookie?: unknown;
  /** The browser's `Accept-Language` header. */
  readonly acceptLanguage?: string | undefined;
}

/**
 * Picks the page language: a link's `?lang=` first, then the remembered cookie, then the browser's
 * first acceptable language, else French. An unknown value at any step is ignored, never an error.
 */
export function negotiateLanguage(hints: LanguageHints): { lang: Language; source: LanguageSource } {
  if (isLanguage(hints.query)) return { lang: hints.query, source: 'query' };
  if (isLanguage(hints.cookie)) return { lang: hints.cookie, source: 'cookie' };
  const guessed = fromAcceptLanguage(hints.acceptLanguage);
  if (guessed) return { lang: guessed, source: 'header' };
  return { lang: DEFAULT_LANGUAGE, source: 'default' };
}

/**
 * The preferred portal language of an `Accept-Language` header (RFC 9110 §12.5.4): ranges by
 * decreasing weight, a region ignored (`en-GB` is `en`), `q=0` meaning "not this one".
 */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranges = header
    .slice(0, 500)
    .split(',')
    .map((part, index) => parseRange(part, index))
    .filter((range) => range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const range of ranges) {
    if (isLanguage(range.primary)) return range.primary;
  }
  return undefined;
}

function parseRange(part: string, index: number): { primary: string; weight: number; index: number } {
  const [tag = '', ...params] = part.trim().split(';');
  const q = params.map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param)?.[1]).find(Boolean);
  const primary = tag.trim().toLowerCase().split('-')[0] ?? '';
  return { primary, weight: q === undefined ? 1 : Number(q), index };
}
