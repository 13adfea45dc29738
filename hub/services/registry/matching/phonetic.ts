/**
 * A phonetic key for French and Central African names, so that spellings of the same sound meet:
 * Touadéra / Tuadera / Twadera, M'Baïkoua / Mbaikoua, Philippe / Filipe, Ngaïkoumon / Ngaykoumon,
 * Djotodia / Jotodia, Arnaud / Arno. Input is one folded token (a–z, see normalise.ts).
 *
 * Central African names are written in a French-derived spelling of Sango, Banda, Gbaya, Yakoma,
 * Zande and Sara sounds, and registers mix that with the spelling of the languages themselves
 * (u for ou, w for ou before a vowel, y or ï for i). Vowels are kept: in these languages they carry
 * meaning (Bokassa and Bokossa are different names), unlike in Soundex-style keys built for English.
 */

type Rule = readonly [pattern: RegExp, replacement: string];

// French silent endings, applied to words of four letters or more (short Arabic and Sango names like
// "Ali" or "Oko" keep their ends), mute e first so that the consonant it leaves is dropped too:
// Dupont = Dupond, Arnaud = Arno, Thomas = Toma, Mahamate = Mahamat, Didier = Didié.
const ENDINGS: readonly Rule[] = [
  [/(?<=.{2}[^aeiouy])e$/, ''],
  [/(?<=.{2})(?:er|ez|et)$/, 'e'],
  [/(?<=.{2}[aeiouyrn])[sdtxzp]$/, ''],
];

const GRAPHEMES: readonly Rule[] = [
  // ch, sh, sch, tch, tsh: /ʃ/ and /tʃ/ are written every which way (Tchimou, Tshimou, Chimou).
  [/t?s?ch|t?sh/g, 'S'],
  [/ph/g, 'f'],
  [/([tkgr])h/g, '$1'],
  // French gn and Sango ny are the same palatal nasal (Agnès, Nyamba).
  [/gn|ny(?=[aeiou])/g, 'N'],
  // French soft g before e, i, y sounds like j; gu before them is a hard g (Guy, Guérin); dj = j.
  [/gu(?=[eiy])/g, 'G'],
  [/g(?=[eiy])|dj|j/g, 'J'],
  [/G/g, 'g'],
  [/qu|ck|q/g, 'k'],
  [/c(?=[eiy])/g, 's'],
  [/c/g, 'k'],
  [/x/g, 'ks'],
  // Labial-velar stops of Sango, Banda and Gbaya (Kpanou, Gbaya) are single sounds: one symbol
  // each, so that the later rules never split them.
  [/kp/g, 'Q'],
  [/gb/g, 'X'],
  // A nasal before b or p is m in both spellings (Nbaye = Mbaye, Ngembe = Ngenbe).
  [/n(?=[bp])/g, 'm'],
];

const VOWELS: readonly Rule[] = [
  [/y/g, 'i'],
  [/eau|au/g, 'o'],
  // ou before a vowel is the glide w (Ouaka = Waka), otherwise the vowel u (Touadera = Tuadera).
  [/ou(?=[aeio])/g, 'w'],
  [/ou/g, 'u'],
  [/u(?=[aeio])/g, 'w'],
  [/oi/g, 'wa'],
  [/ai|ei/g, 'e'],
  // A single s between vowels sounds z in French (Rose = Roze).
  [/(?<=[aeiou])s(?=[aeiou])/g, 'z'],
  // h is silent, but kept between vowels so that Mahamat does not shrink to Mama.
  [/(?<![aeiou])h|h(?![aeiou])/g, ''],
];

const DOUBLED = /(.)\1+/g;

function applyRules(text: string, rules: readonly Rule[]): string {
  let result = text;
  for (const [pattern, replacement] of rules) result = result.replace(pattern, replacement);
  return result;
}

/** The phonetic key of one folded name token ('' for an empty token). */
export function phoneticKey(token: string): string {
  let key = token.replace(DOUBLED, '$1');
  if (key.length >= 4) key = applyRules(key, ENDINGS);
  key = applyRules(key, GRAPHEMES);
  key = applyRules(key, VOWELS);
  return key.replace(DOUBLED, '$1');
}
