import type { UssdServiceFees } from './ussd-data.js';
import { USSD_MESSAGES, type UssdLang } from './ussd-messages.js';
import { CONTINUE, clip, continueWith, screenLength, toUssdAscii, USSD_MAX_CHARS } from './ussd-text.js';

/** Longest service name in the list: long names would leave room for one service a page. */
const LIST_NAME_CHARS = 40;

/** The answer that shows the next page of the list. */
export const MORE = '0';
/** The answer that goes back to the main menu. */
export const BACK = '00';

/** One page of the list of services: their numbers (1-based, across pages) and lines. */
export interface FeePage {
  readonly first: number;
  readonly lines: readonly string[];
}

function itemLine(number: number, service: UssdServiceFees): string {
  return `${number} ${clip(toUssdAscii(service.name), LIST_NAME_CHARS)}`;
}

/**
 * The list of services cut into pages that fit one screen each, with room kept for a notice
 * ("invalid choice") above and the "more" and "menu" options below. The cut depends only on the
 * language and the catalogue, so the page a caller saw is the page their answer is read against.
 */
export function feePages(lang: UssdLang, services: readonly UssdServiceFees[]): FeePage[] {
  const text = USSD_MESSAGES[lang];
  const frame = [text.invalidChoice, text.feesHeader, `${MORE} ${text.more}`, `${BACK} ${text.back}`];
  const room = USSD_MAX_CHARS - CONTINUE.length;
  const pages: FeePage[] = [];
  let page: string[] = [];
  let first = 1;
  services.forEach((service, index) => {
    const line = itemLine(index + 1, service);
    if (page.length > 0 && screenLength([...frame, ...page, line]) > room) {
      pages.push({ first, lines: page });
      page = [];
      first = index + 1;
    }
    page.push(line);
  });
  if (page.length > 0) pages.push({ first, lines: page });
  return pages;
}

/** The service a typed number chooses on a page, if it is one the page shows. */
export function chosenOnPage(page: FeePage, typed: string): number | undefined {
  if (!/^\d{1,3}$/.test(typed)) return undefined;
  const number = Number(typed);
  return number >= page.first && number < page.first + page.lines.length ? number - 1 : undefined;
}

/** A page of the list as a screen. */
export function feePageScreen(
  lang: UssdLang,
  pages: readonly FeePage[],
  index: number,
  notice?: string,
): string {
  const text = USSD_MESSAGES[lang];
  const page = pages[index];
  if (!page) return continueWith([text.noServices, `${BACK} ${text.back}`]);
  const more = index + 1 < pages.length ? [`${MORE} ${text.more}`] : [];
  return continueWith([
    ...(notice ? [notice] : []),
    text.feesHeader,
    ...page.lines,
    ...more,
    `${BACK} ${text.back}`,
  ]);
}
