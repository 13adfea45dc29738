/**
 * Text normalisation shared by every comparison: registers differ in case, accents, punctuation,
 * spacing and hyphenation long before they differ in spelling.
 */

// Letters that Unicode decomposition does not split into base + mark.
const LIGATURES: Readonly<Record<string, string>> = {
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  ð: 'd',
  þ: 'th',
  ł: 'l',
};
const LIGATURE_PATTERN = /[œæßøðþł]/g;
const COMBINING_MARKS = /\p{M}+/gu;
// Apostrophes join (M'Bokani = Mbokani, N'Gaba = Ngaba, d'Almeida = Dalmeida): they mark a
// prenasalised consonant or an elision, never a word boundary.
const APOSTROPHES = /['’ʼ`´]/g;
const NOT_LETTER = /[^a-z]+/g;

/** Lower case, accents and ligatures folded to plain a–z (other characters kept). */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(LIGATURE_PATTERN, (letter) => LIGATURES[letter] ?? letter);
}

/** The words of a name or a place: folded, apostrophes joined, split on anything that is not a letter. */
export function textTokens(text: string | undefined): string[] {
  if (!text) return [];
  return foldText(text).replace(APOSTROPHES, '').split(NOT_LETTER).filter(Boolean);
}

// Words that say where a place is, not which place it is ("Bangui (RCA)", "Paris, France").
const PLACE_NOISE = new Set([
  'rca',
  'car',
  'centrafrique',
  'republique',
  'centrafricaine',
  'central',
  'african',
  'republic',
  'ville',
  'de',
  'du',
  'la',
  'le',
  'commune',
  'prefecture',
  'sous',
]);

/** The distinctive words of a place of birth. */
export function placeTokens(text: string | undefined): string[] {
  return textTokens(text).filter((word) => !PLACE_NOISE.has(word));
}
