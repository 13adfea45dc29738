/**
 * Text for USSD screens. Gateways and handsets use the GSM 7-bit alphabet and mangle anything
 * else: accents, typographic quotes and the characters of GSM's extension table (`[ ] { } \ ^ ~ |`,
 * which cost two septets and many phones show wrongly). Every reply fits one USSD message.
 */

/** Longest USSD reply, `CON `/`END ` included (GSM 03.38 septets in one USSD string). */
export const USSD_MAX_CHARS = 182;

/** The reply keeps the session open for the caller's next answer. */
export const CONTINUE = 'CON ';
/** The reply ends the session. */
export const END = 'END ';

const SPELLED_OUT: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u02bc': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u0153': 'oe',
  '\u0152': 'OE',
  '\u00e6': 'ae',
  '\u00c6': 'AE',
  '\u00df': 'ss',
};

// What is left once accents are stripped: printable ASCII minus GSM's extension table and the
// backtick, which GSM 7-bit does not have.
const NOT_SAFE = /[^A-Za-z0-9 \n!"#$%&'()*+,\-./:;<=>?@_]/g;

/** The text with accents stripped, typographic signs spelled in ASCII, the rest dropped. */
export function toUssdAscii(text: string): string {
  const spelled = [...text].map((char) => SPELLED_OUT[char] ?? char).join('');
  return spelled
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\t\r]/g, ' ')
    .replace(NOT_SAFE, '')
    .replace(/ {2,}/g, ' ');
}

/** A text cut to `max` characters, marking the cut with a dot. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}.`;
}

/**
 * Whole lines, in order, as many as fit the reply after its prefix; the first line is cut when it
 * alone is too long. Screens are written to fit: this is the last guard for data that is not
 * (a mission with a different opening time each day, a service name of two hundred characters).
 */
function fitLines(prefix: string, lines: readonly string[]): string {
  const room = USSD_MAX_CHARS - prefix.length;
  const safe = lines.map(toUssdAscii).filter((line) => line.trim() !== '');
  let body = '';
  for (const line of safe) {
    const next = body === '' ? line : `${body}\n${line}`;
    if (next.length > room) return body === '' ? clip(line, room) : body;
    body = next;
  }
  return body;
}

/** A screen that waits for the caller's answer. */
export function continueWith(lines: readonly string[]): string {
  return CONTINUE + fitLines(CONTINUE, lines);
}

/** A screen that ends the session. */
export function endWith(lines: readonly string[]): string {
  return END + fitLines(END, lines);
}

/** Characters a list of lines takes on a screen, newlines included. */
export function screenLength(lines: readonly string[]): number {
  return lines.reduce((sum, line, index) => sum + line.length + (index > 0 ? 1 : 0), 0);
}
