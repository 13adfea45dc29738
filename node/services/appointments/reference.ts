import { randomInt } from 'node:crypto';

// Without 0, O, 1, I, L and U: a reference read aloud over a bad line or copied from a small screen
// has one reading. 30 symbols, 8 of them: ~6.6e11 references.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX = 'RDV';

/** A fresh human-friendly reference, `RDV-K7M2-Q9XD`. */
export function newReference(): string {
  const symbols = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${PREFIX}-${symbols.slice(0, 4)}-${symbols.slice(4)}`;
}

/**
 * A reference as typed by a person (any case, spaces or dashes, with or without the prefix) in its
 * canonical form; undefined when it cannot be one.
 */
export function normaliseReference(raw: string): string | undefined {
  let compact = raw.toUpperCase().replace(/[\s-]/g, '');
  if (compact.startsWith(PREFIX)) compact = compact.slice(PREFIX.length);
  if (compact.length !== 8 || [...compact].some((symbol) => !ALPHABET.includes(symbol))) return undefined;
  return `${PREFIX}-${compact.slice(0, 4)}-${compact.slice(4)}`;
}
