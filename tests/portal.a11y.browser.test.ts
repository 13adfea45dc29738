import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PORTAL_PATHS, PORTAL_ROUTES, PORTAL_STEP_ROUTES } from '../node/http/portal/index.js';
import { EXAMPLE_SERVICE } from '../node/http/portal/portal-routes-list.js';
import { type AxeFinding, blockingViolations } from './_util/axe.js';
import { describeWithChromium, launchChromiumBrowser } from './_util/browser.js';
import { clickThrough, pickFirstSlot } from './_util/portal-browser.js';
import { type PortalServer, startPortalServer } from './_util/portal-server.js';
import { PORTAL_LANGS, resolvedPortalPages, withLang } from './_util/portal-walk.js';

/** Three languages of some twenty pages, each rendered and checked: minutes on a busy machine. */
const WALK_TEST = { timeout: 600_000 };

describeWithChromium('citizen portal accessibility (axe-core in Chromium)', () => {
  let server: PortalServer | undefined;
  let browser: Browser | undefined;
  let pages: string[] = [];
  beforeAll(async () => {
    server = await startPortalServer();
    browser = await launchChromiumBrowser();
    // The kiosk page turns the browser into the kiosk: walked last, it changes no other page.
    pages = resolvedPortalPages(server.node).sort(
      (a, b) => Number(a === PORTAL_PATHS.kiosk) - Number(b === PORTAL_PATHS.kiosk),
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens `url` in a fresh French-speaking browser and returns the page, answered with 200. */
  async function open(url: string): Promise<Page> {
    const context = await browser!.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const response = await page.goto(`${server!.url}${url}`);
    expect(response?.status(), url).toBe(200);
    return page;
  }

  it(
    'reports what it is there to find: a field without label, an image without text',
    WALK_TEST,
    async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      await page.setContent(
        '<html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1>' +
          '<input type="text"><img src="data:,"></main></body></html>',
      );
      const rules = (await blockingViolations(page)).map((finding) => `${finding.rule} ${finding.impact}`);
      expect(rules).toEqual(expect.arrayContaining(['label critical', 'image-alt critical']));
      await context.close();
    },
  );

  it('finds no serious or critical violation on any portal page, in fr, sg and en', WALK_TEST, async () => {
    expect(pages).toHaveLength(PORTAL_ROUTES.length + PORTAL_STEP_ROUTES.length);
    const found: Record<string, AxeFinding[]> = {};
    for (const lang of PORTAL_LANGS) {
      const context = await browser!.newContext({ locale: 'fr-FR' });
      const page = await context.newPage();
      for (const url of pages) {
        const response = await page.goto(`${server!.url}${withLang(url, lang)}`);
        expect(response?.status(), `${lang} ${url}`).toBe(200);
        // axe runs under the page's own policy: no bypass, as in production.
        expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        const violations = await blockingViolations(page);
        if (violations.length > 0) found[`${lang} ${url}`] = violations;
      }
      await context.close();
    }
    expect(found).toEqual({});
  });

  it('finds none on a form showing its errors, nor on the kiosk’s pages', WALK_TEST, async () => {
    const details = await open(`${PORTAL_PATHS.bookingSlots}?service=${EXAMPLE_SERVICE}`);
    await pickFirstSlot(details);
    await clickThrough(details, 'main form button[type=submit]', /\/coordonnees\?/);
    await details.fill('#f-phone', '12');
    await details.click('main form button[type=submit]');
    await details.waitForSelector('.field-error');
    expect(await details.locator('[aria-invalid="true"]').count()).toBeGreaterThan(1);
    expect(await blockingViolations(details)).toEqual([]);
    await details.context().close();
    const kiosk = await open(PORTAL_PATHS.kiosk);
    expect(await blockingViolations(kiosk)).toEqual([]);
    await kiosk.goto(`${server!.url}${PORTAL_PATHS.tracking}`);
    expect(await kiosk.getAttribute('body', 'class')).toBe('kiosk');
    expect(await blockingViolations(kiosk)).toEqual([]);
    await kiosk.context().close();
  });
});
