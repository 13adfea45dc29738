import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { PORTAL_PATHS } from '../../node/http/portal/index.js';
import { type FileSms, type PortalServer, waitForBookingCode } from './portal-server.js';

/** Where the browser suites leave a picture of each main page (test-results/ is git-ignored). */
export const PORTAL_SCREENSHOTS = fileURLToPath(
  new URL('../../test-results/screenshots/portal/', import.meta.url),
);

/** Saves a full-page screenshot of what the browser shows, as `<name>.png`. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(PORTAL_SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(PORTAL_SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Clicks what submits a form or follows a link, and waits for the page it leads to. */
export async function clickThrough(page: Page, selector: string, to: RegExp): Promise<void> {
  await Promise.all([page.waitForURL(to), page.click(selector)]);
}

/** What an applicant types on the details step. */
export interface BookingApplicant {
  readonly givenNames: string;
  readonly familyName: string;
  readonly documentNumber: string;
  readonly phone: string;
}

/** The outcome of a booking made through the pages. */
export interface BrowserBooking {
  readonly reference: string;
  readonly slotStart: string;
  readonly sms: FileSms;
}

// Weeks of slot pages tried before giving up: late on a Friday the current week has no slot left.
const WEEKS_TO_TRY = 3;

/** On the slot page, picks the first free slot, turning to the next week while this one has none. */
export async function pickFirstSlot(page: Page): Promise<string> {
  for (let week = 0; week < WEEKS_TO_TRY; week++) {
    const first = page.locator('input[type=radio][name="creneau"]').first();
    if ((await first.count()) > 0) {
      await first.check();
      return (await first.getAttribute('value')) ?? '';
    }
    await clickThrough(page, '.pager a[href*="semaine="] >> nth=-1', /semaine=/);
  }
  throw new Error(`no free slot within ${WEEKS_TO_TRY} weeks`);
}

/**
 * Books `service` from the service list to the confirmation page, as an applicant: the slot, the
 * details, then the code read from the SMS gateway's file. `shots` prefixes a screenshot of each step.
 */
export async function bookThroughPages(
  page: Page,
  server: PortalServer,
  who: BookingApplicant,
  options: { service: string; shots?: string },
): Promise<BrowserBooking> {
  const shoot = (step: string) =>
    options.shots ? keepScreenshot(page, `${options.shots}-${step}`) : undefined;
  await page.goto(`${server.url}${PORTAL_PATHS.booking}`);
  await shoot('1-services');
  const slots = `${PORTAL_PATHS.bookingSlots}?service=${options.service}`;
  await clickThrough(page, `a[href="${slots}"]`, /\/rendez-vous\/creneaux\?/);
  const slotStart = await pickFirstSlot(page);
  await shoot('2-slots');
  await clickThrough(
    page,
    `form[action="${PORTAL_PATHS.bookingDetails}"] button[type=submit]`,
    /\/coordonnees\?/,
  );
  await page.fill('#f-givenNames', who.givenNames);
  await page.fill('#f-familyName', who.familyName);
  await page.fill('#f-documentNumber', who.documentNumber);
  await page.fill('#f-phone', who.phone);
  await shoot('3-details');
  await clickThrough(page, 'main form button[type=submit]', /\/rendez-vous\/code\/RDV-/);
  const reference = /\/rendez-vous\/code\/(RDV-[A-Z0-9-]+)$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
  await shoot('4-code');
  const { code, sms } = await waitForBookingCode(server.smsFile, reference);
  await page.fill('#f-code', code);
  await clickThrough(page, 'main form button[type=submit]', /\/rendez-vous\/confirmation\/RDV-/);
  await shoot('5-confirmation');
  return { reference, slotStart, sms };
}
