/**
 * The noise of real registers, applied to a person's true data: typing slips, respellings of the same
 * sound, accents dropped, names in capitals, dates in other formats or known only in part.
 */
import type { Random } from './random.js';
import type { FullDate } from './synthetic-person.js';
import { words } from './words.js';

// Neighbouring keys on the AZERTY keyboards of Central African and French offices (key:neighbours).
const NEIGHBOURS: ReadonlyMap<string, string> = new Map(
  words(`
    a:zqs z:aes e:zrd r:etf t:ryg y:tuh u:yij i:uok o:ipl p:om q:asw s:qdz d:sfe f:dgr g:fht h:gjy j:hku
    k:jli l:kmo m:lp w:xq x:wc c:xv v:cb b:vn n:bm
  `).map((pair) => pair.split(':') as [string, string]),
);

function letterPositions(text: string): number[] {
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) if (/\p{L}/u.test(text[i]!)) positions.push(i);
  return positions;
}

/** One slip of the fingers: a neighbouring key, a letter left out, doubled or two letters swapped. */
export function typo(random: Random, text: string): string {
  const positions = letterPositions(text).slice(1); // the first letter is rarely wrong
  if (positions.length < 2) return text;
  const at = random.pick(positions);
  const letter = text[at]!;
  const before = text.slice(0, at);
  const after = text.slice(at + 1);
  switch (random.int(0, 3)) {
    case 0: {
      const lower = letter.toLowerCase();
      const near = random.pick([...(NEIGHBOURS.get(lower) ?? lower)]);
      return before + (letter === lower ? near : near.toUpperCase()) + after;
    }
    case 1:
      return before + after;
    case 2:
      return before + letter + letter + after;
    default:
      return after ? before + after[0] + letter + after.slice(1) : before + letter;
  }
}

// The same sound written another way: French and Sango spellings, diaereses, apostrophes.
const RESPELLINGS: readonly (readonly [RegExp, string])[] = [
  [/ou/, 'u'],
  [/([^aeiou])u(?=[aeio])/, '$1ou'],
  [/é/, 'e'],
  [/è/, 'e'],
  [/ï/, 'i'],
  [/aï/, 'ay'],
  [/(?<=.)y/, 'i'],
  [/(?<=.)c(?=[aou])/, 'k'],
  [/(?<=.)k/, 'c'],
  [/ph/, 'f'],
  [/([bdgklmnprst])\1/, '$1'],
  [/(?<=[aeiou])([lnst])(?=[aeiou])/, '$1$1'],
  [/^Mb/, "M'B"],
  [/^Ng/, "N'G"],
  [/^Ou(?=[aeio])/, 'W'],
  [/dj/, 'j'],
];

/** A respelling of the same sounds, or the text itself when none applies. */
export function respell(random: Random, text: string): string {
  const applicable = RESPELLINGS.filter(([pattern]) => pattern.test(text));
  if (!applicable.length) return text;
  const [pattern, replacement] = random.pick(applicable);
  return text.replace(pattern, replacement);
}

export function dropAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}

const FRENCH_MONTHS = words(
  'janvier février mars avril mai juin juillet août septembre octobre novembre décembre',
);

const pad = (n: number) => String(n).padStart(2, '0');

/** How precisely a register knows a date. */
export type Precision = 'day' | 'month' | 'year';

/** A date as one office writes it: ISO, day first with slashes or dots, or in French words. */
export function writeDate(random: Random, date: FullDate, precision: Precision, isoOnly: boolean): string {
  const { year, month, day } = date;
  if (precision === 'year') return isoOnly || random.chance(0.7) ? String(year) : `vers ${year}`;
  if (precision === 'month')
    return isoOnly || random.chance(0.5) ? `${year}-${pad(month)}` : `${pad(month)}/${year}`;
  if (isoOnly) return `${year}-${pad(month)}-${pad(day)}`;
  const style = random.next();
  if (style < 0.45) return `${year}-${pad(month)}-${pad(day)}`;
  if (style < 0.8) return `${pad(day)}/${pad(month)}/${year}`;
  if (style < 0.93) return `${pad(day)}.${pad(month)}.${year}`;
  return `${day === 1 ? '1er' : day} ${FRENCH_MONTHS[month - 1]} ${year}`;
}

/** A date mistaken: day and month swapped (when both can be months) or one digit slipped. */
export function mistakeDate(random: Random, date: FullDate): FullDate {
  if (date.day <= 12 && date.day !== date.month && random.chance(0.5)) {
    return { year: date.year, month: date.day, day: date.month };
  }
  for (;;) {
    const field = random.pick(['year', 'month', 'day'] as const);
    const value = date[field];
    const slipped = value - (value % 10) + random.int(0, 9);
    const mistaken = { ...date, [field]: slipped };
    if (slipped !== value && isValid(mistaken)) return mistaken;
  }
}

function isValid(date: FullDate): boolean {
  const days = new Date(Date.UTC(date.year, date.month, 0)).getUTCDate();
  return date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= days;
}
