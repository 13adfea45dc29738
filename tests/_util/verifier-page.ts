import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  buildVerifierPage,
  VERIFIER_PAGE_FILES,
  type VerifierPageVariant,
} from '../../common/vds/verifier/build-verifier-page.js';

// The offline verifier page as a border officer uses it: saved to disk, opened from a file:// path
// in a browser with the network cut, a trust bundle file given, then a seal in hex or an image.

/** Builds both variants of the page into `dir`; returns each file's path. */
export async function writeVerifierPages(dir: string): Promise<Record<VerifierPageVariant, string>> {
  const paths = {} as Record<VerifierPageVariant, string>;
  for (const variant of ['hex', 'reader'] as const) {
    paths[variant] = join(dir, VERIFIER_PAGE_FILES[variant]);
    await writeFile(paths[variant], await buildVerifierPage(variant));
  }
  return paths;
}

/** A verifier page open with no network, and every request the browser tried since. */
export interface OfflineVerifier {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every URL the page asked for, the file:// page itself included. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Opens the page from disk in a fresh context cut from the network twice over: offline, and every
 * request that is not the file itself aborted. `now` fixes the page's clock (the seals' dates are
 * fixed); omitted, the page keeps the real one.
 */
export async function openVerifierOffline(
  browser: Browser,
  file: string,
  now?: Date,
): Promise<OfflineVerifier> {
  const context = await browser.newContext();
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route(
    (url) => url.protocol !== 'file:',
    (route) => route.abort('internetdisconnected'),
  );
  await context.setOffline(true);
  const page = await context.newPage();
  if (now) await page.clock.setFixedTime(now);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#verifier[data-ready="true"]', { state: 'attached' });
  return { page, context, requests, close: () => context.close() };
}

/** Gives the page a trust bundle file and waits until it shows that bundle's date. */
export async function loadBundleFile(page: Page, bundle: { issuedAt: string }): Promise<void> {
  await page.setInputFiles('#bundle-file', {
    name: 'trust-bundle.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bundle)),
  });
  await page.waitForSelector(`#trust-status[data-state="loaded"][data-issued-at="${bundle.issuedAt}"]`, {
    state: 'attached',
  });
}

const ANSWERED = '#result[data-outcome]:not([data-outcome="pending"])';

/** What the page answered: the outcome code, the verdict's text, and the data's rows' text. */
export interface PageVerdict {
  readonly outcome: string;
  readonly verdict: string;
  readonly data: string;
}

async function answer(page: Page): Promise<PageVerdict> {
  await page.waitForSelector(ANSWERED);
  return {
    outcome: (await page.getAttribute('#result', 'data-outcome')) ?? '',
    verdict: (await page.textContent('#verdict')) ?? '',
    data: (await page.textContent('#seal-data')) ?? '',
  };
}

/** Types a seal's payload as hex and presses Verify. */
export async function verifyHexOnPage(page: Page, hex: string): Promise<PageVerdict> {
  await page.fill('#seal-hex', hex);
  await page.click('#hex-form button[type=submit]');
  return answer(page);
}

/** Gives the page an image (PNG) of a DataMatrix through its file input. */
export async function verifyImageOnPage(
  page: Page,
  png: Uint8Array,
  input = '#seal-image',
): Promise<PageVerdict> {
  await page.setInputFiles(input, { name: 'seal.png', mimeType: 'image/png', buffer: Buffer.from(png) });
  return answer(page);
}
