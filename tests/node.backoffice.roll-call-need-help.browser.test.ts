import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { RollCallEvents } from '../protocol/index.js';
import { type AxeFinding, blockingViolations } from './_util/axe.js';
import { describeWithChromium, type LaunchedChromium, launchChromium } from './_util/browser.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';

/** The blocking axe findings of what the page itself renders in `main` (the shared layout has its own tests). */
async function mainViolations(page: Page): Promise<AxeFinding[]> {
  return (await blockingViolations(page)).filter((finding) =>
    finding.targets.some((target) => !/^(header|\.bar)\b/.test(target)),
  );
}

describeWithChromium('the ministry’s request for the list of the people who need help, in Chromium', () => {
  let s: StaffApp | undefined;
  let browser: LaunchedChromium | undefined;
  afterEach(async () => {
    await browser?.close();
    await s?.close();
    browser = s = undefined;
  });

  it('the consul reads the request and approves it; the page passes axe before and after', {
    timeout: 120_000,
  }, async () => {
    s = await openStaffApp();
    const registration = s.domain.registrations.submit(
      {
        person: {
          givenNames: 'Awa',
          familyName: 'Kossi',
          phone: '+33611111111',
          address: '3 rue de Bangui, 75011 Paris',
          birthDate: '1988-01-01',
        },
        channel: 'counter',
        census: { languages: [] },
        consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
      },
      'agent:amina',
    );
    s.domain.registrations.verify(registration.id, 'agent:amina');
    const started = s.domain.rollCalls.start(
      {
        title: 'Crue de la Seine',
        message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
        zone: { all: true },
        endsAt: new Date(s.clock.now().getTime() + 86_400_000).toISOString(),
      },
      { actor: 'hub:DAC', directiveId: crypto.randomUUID(), needHelpList: true },
    );
    if (started.dryRun) throw new TypeError('a dry run');
    s.domain.rollCalls.receiveSms({ from: '+33611111111', rawFrom: 'x', text: '2', gatewayId: 'AT-nh-1' });
    const consul = await s.enrolled('kossi', ['consul']);
    // The session cookie's expiry is written from the app's clock: the browser must agree on the date.
    s.clock.advance(Date.now() - s.clock.now().getTime());
    const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(`${base}/staff/login`);
    await page.fill('input[name=username]', consul.username);
    await page.fill('input[name=password]', consul.password);
    await page.fill('input[name=code]', s.code(consul.totpSecret));
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith('/login')),
      page.click('button[type=submit]'),
    ]);

    await page.goto(`${base}/staff/appels/${started.id}`);
    expect(await page.textContent('#liste-ministere-etat')).toContain('En attente de votre décision');
    expect(await mainViolations(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/\?ok=roll_call_need_help_approved$/),
      page.click('text=Approuver l’envoi de la liste'),
    ]);
    expect(await page.textContent('#liste-ministere-etat')).toContain('Envoi approuvé par kossi');
    expect(await mainViolations(page)).toEqual([]);
    const lists = s.temp.store.db
      .prepare('SELECT count(*) FROM outbox WHERE kind = ?')
      .pluck()
      .get(RollCallEvents.NeedHelp);
    expect(lists).toBe(1);
  });
});
