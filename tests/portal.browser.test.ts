import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { EXAMPLE_SERVICE } from '../node/http/portal/portal-routes-list.js';
import { applicant } from './_util/appointments.js';
import { describeWithChromium, launchChromiumBrowser } from './_util/browser.js';
import { COUNTER_FILE_BIRTH_DATE, openCounterFile } from './_util/portal.js';
import { bookThroughPages, clickThrough, keepScreenshot, pickFirstSlot } from './_util/portal-browser.js';
import { type PortalServer, readSmsFile, startPortalServer } from './_util/portal-server.js';

/** Browser start and a booking's SMS round trip take seconds on a shared 2-core machine. */
const BROWSER_TEST = { timeout: 180_000 };

/** The details of the n-th applicant of the fixtures, as typed in the form. */
function typed(n: number) {
  const person = applicant(n);
  return { ...person.applicant, documentNumber: person.documentNumber, phone: person.phone };
}

describeWithChromium('citizen portal in Chromium', () => {
  let server: PortalServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    server = await startPortalServer();
    browser = await launchChromiumBrowser();
  }, 120_000);
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A visitor whose browser asks for French, with or without JavaScript. */
  async function visitor(options: { javaScriptEnabled?: boolean } = {}) {
    context = await browser!.newContext({ locale: 'fr-FR', ...options });
    return context.newPage();
  }

  /** Fills the tracking form and waits for the result page (its URL is the form's own). */
  async function lookUpFile(page: Page, trackingNumber: string, secret: string): Promise<void> {
    await page.goto(`${server!.url}/suivi`);
    await page.fill('#f-numero', trackingNumber);
    await page.fill('#f-secret', secret);
    await page.click('main form button[type=submit]');
    await page.waitForSelector('strong.ref');
  }

  it(
    'books an appointment end to end, with the code the dispatcher handed to the SMS gateway',
    BROWSER_TEST,
    async () => {
      const page = await visitor();
      const booking = await bookThroughPages(page, server!, typed(1), {
        service: EXAMPLE_SERVICE,
        shots: 'booking',
      });
      expect(await page.textContent('main')).toContain(booking.reference);
      expect(await page.textContent('p.ok[role=status]')).toContain('Votre rendez-vous est confirmé');
      expect(server!.node.context.domain.appointments.get(booking.reference)?.state).toBe('confirmed');
      expect(booking.sms.to).toBe('+33610000001');
      expect(booking.sms.text).toMatch(/^Consulat RCA: code \d{6} pour confirmer le RDV RDV-/);
    },
  );

  it('refuses a wrong SMS code beside its field and keeps the place held', BROWSER_TEST, async () => {
    const page = await visitor();
    await page.goto(`${server!.url}/rendez-vous/creneaux?service=${EXAMPLE_SERVICE}`);
    await pickFirstSlot(page);
    await clickThrough(page, 'main form button[type=submit]', /\/coordonnees\?/);
    for (const [field, value] of Object.entries(typed(2))) await page.fill(`#f-${field}`, value);
    await clickThrough(page, 'main form button[type=submit]', /\/rendez-vous\/code\/RDV-/);
    const reference = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await page.fill('#f-code', '000000');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('#e-code');
    expect(await page.textContent('#e-code')).toContain('Ce code ne correspond pas');
    expect(await page.getAttribute('#f-code', 'aria-invalid')).toBe('true');
    expect(server!.node.context.domain.appointments.get(reference)?.state).toBe('held');
  });

  it('books the same way with JavaScript disabled', BROWSER_TEST, async () => {
    const page = await visitor({ javaScriptEnabled: false });
    await page.goto(`${server!.url}/`);
    // The page itself reports that it may run no script (Media Queries 5, `scripting`).
    const scripting = await page.evaluate(() => {
      const inPage = globalThis as unknown as { matchMedia(query: string): { matches: boolean } };
      return inPage.matchMedia('(scripting: none)').matches;
    });
    expect(scripting).toBe(true);
    const booking = await bookThroughPages(page, server!, typed(3), {
      service: EXAMPLE_SERVICE,
      shots: 'nojs',
    });
    expect(await page.textContent('p.ok[role=status]')).toContain('Votre rendez-vous est confirmé');
    expect(server!.node.context.domain.appointments.get(booking.reference)?.state).toBe('confirmed');
    const sent = (await readSmsFile(server!.smsFile)).filter((sms) => sms.text.includes(booking.reference));
    expect(sent.length).toBeGreaterThanOrEqual(1);
  });

  it(
    'tracks a file: details with the birth date, the state alone with a wrong one',
    BROWSER_TEST,
    async () => {
      const { file } = openCounterFile(server!.node.context.domain);
      const page = await visitor();
      await lookUpFile(page, file.trackingNumber, '1990-01-01');
      expect(await page.textContent('main')).toContain('Déposé');
      expect(await page.textContent('p.alert[role=status]')).toContain('ne correspond pas');
      expect(await page.textContent('main')).not.toContain('Carte consulaire');
      await lookUpFile(page, file.trackingNumber, COUNTER_FILE_BIRTH_DATE);
      const main = await page.textContent('main');
      expect(main).toContain(file.trackingNumber);
      expect(main).toContain('Carte consulaire');
      await keepScreenshot(page, 'tracking-result');
    },
  );

  it('switches to Sango with the language link and keeps it on the next pages', BROWSER_TEST, async () => {
    const page = await visitor();
    await page.goto(`${server!.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await keepScreenshot(page, 'home-fr');
    await clickThrough(page, '.langs a[hreflang="sg"]', /lang=sg/);
    expect(await page.getAttribute('html', 'lang')).toBe('sg');
    expect(await page.getAttribute('.langs a[hreflang="sg"]', 'aria-current')).toBe('true');
    expect(await page.textContent('nav.menu')).toContain('Lê ti kôzo');
    await keepScreenshot(page, 'home-sg');
    await page.goto(`${server!.url}/services/${EXAMPLE_SERVICE}`);
    expect(await page.getAttribute('html', 'lang')).toBe('sg');
    await keepScreenshot(page, 'service-sg');
    await clickThrough(page, '.langs a[hreflang="en"]', /lang=en/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.goto(`${server!.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await keepScreenshot(page, 'home-en');
  });

  it('shows the service page and the waiting-room kiosk', BROWSER_TEST, async () => {
    const page = await visitor();
    await page.goto(`${server!.url}/services/${EXAMPLE_SERVICE}`);
    expect(await page.textContent('h1')).toContain('Passeport');
    await keepScreenshot(page, 'service-fr');
    await page.goto(`${server!.url}/borne`);
    expect(await page.getAttribute('body', 'class')).toBe('kiosk');
    await keepScreenshot(page, 'kiosk-fr');
    await page.goto(`${server!.url}/suivi`);
    expect(await page.textContent('footer')).toContain('la borne revient à l’accueil');
  });
});
