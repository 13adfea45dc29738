import type { Browser, Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import type { Domain } from '../node/services/domain.js';
import { createRollCallService } from '../node/services/roll-calls/index.js';
import { smsOutbox } from './_util/appointments.js';
import { type AxeFinding, blockingViolations } from './_util/axe.js';
import {
  describeWithChromium,
  type LaunchedChromium,
  launchChromium,
  launchChromiumBrowser,
} from './_util/browser.js';
import type { TestNode } from './_util/node-app.js';
import { portalNode } from './_util/portal.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';

const ALONE = '+33611111111';
const FAMILY = '+33622222222';

function register(domain: Domain, givenNames: string, phone: string): string {
  const registration = domain.registrations.submit(
    {
      person: {
        givenNames,
        familyName: 'Kossi',
        phone,
        address: '3 rue de Bangui, Paris',
        birthDate: '1988-01-01',
      },
      channel: 'counter',
      census: { languages: [] },
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  domain.registrations.verify(registration.id, 'agent:amina');
  return registration.personId;
}

/** The blocking axe findings of what the page itself renders in `main` (the shared layout has its own tests). */
async function mainViolations(page: Page): Promise<AxeFinding[]> {
  return (await blockingViolations(page)).filter((finding) =>
    finding.targets.some((target) => !/^(header|\.bar)\b/.test(target)),
  );
}

describeWithChromium('roll-calls in Chromium', () => {
  let s: StaffApp | undefined;
  let portal: TestNode | undefined;
  let browser: LaunchedChromium | undefined;
  let visitors: Browser | undefined;
  afterEach(async () => {
    await browser?.close();
    await visitors?.close();
    await s?.close();
    await portal?.cleanup();
    browser = visitors = s = portal = undefined;
  });

  it('a consul starts a roll-call after its dry run, and the page counts an answer as it arrives, without a reload', {
    timeout: 120_000,
  }, async () => {
    s = await openStaffApp();
    register(s.domain, 'Awa', ALONE);
    register(s.domain, 'Odette', FAMILY);
    register(s.domain, 'Jean', FAMILY);
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
    await page.goto(`${base}/staff/appels`);
    await page.fill('#rc-fr', 'Manifestations ce soir. Etes-vous en securite ?');
    await page.fill('#rc-sg', 'Aye na Paris la so. Mo yeke na siriri ?');
    await page.fill('#rc-en', 'Unrest tonight. Are you safe?');
    await page.click('text=Voir qui sera joint (essai)');
    await page.waitForSelector('text=Confirmer et envoyer les 2 SMS');
    expect(await page.textContent('main')).toContain('joindrait 3 personne(s), 2 téléphone(s)');
    expect(smsOutbox(s.temp.store)).toEqual([]);
    expect(await mainViolations(page)).toEqual([]);

    await Promise.all([
      page.waitForURL(/\/staff\/appels\/[0-9a-f-]{36}\?ok=roll_call_started$/),
      page.click('text=Confirmer et envoyer les 2 SMS'),
    ]);
    const id = /\/staff\/appels\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
    expect(await page.textContent('[data-count="safe"]')).toBe('0');
    expect(await mainViolations(page)).toEqual([]);

    // A mark in the page's own state: a reload would lose it.
    await page.evaluate(() => {
      (globalThis as Record<string, unknown>).notReloaded = true;
    });
    // The live script connects once the page has loaded; an answer then arrives by SMS.
    const app = s.app;
    await expect.poll(() => app.websocketServer.clients.size, { timeout: 10_000 }).toBeGreaterThan(0);
    s.domain.rollCalls.receiveSms({ from: FAMILY, rawFrom: FAMILY, text: '1', gatewayId: 'AT-browser-1' });
    await expect.poll(() => page.textContent('[data-count="safe"]'), { timeout: 15_000 }).toBe('2');
    expect(await page.textContent('[data-count="noAnswer"]')).toBe('1');
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).notReloaded)).toBe(true);
    expect(s.domain.rollCalls.get(id).counts.safe).toBe(2);
  });

  it('the page of an SMS link passes axe in fr, sg and en, and records an answer with JavaScript off', {
    timeout: 120_000,
  }, async () => {
    const node = await portalNode();
    portal = node;
    const linking = createRollCallService({
      store: node.store,
      now: node.clock.now,
      publicUrl: 'https://paris.consulat-rca.example',
    });
    register(node.domain, 'Awa', ALONE);
    const outcome = linking.start(
      {
        title: 'Consulat RCA',
        message: { fr: 'Etes-vous en securite ?', sg: 'Mo yeke na siriri ?', en: 'Are you safe?' },
        zone: { all: true },
        endsAt: new Date(node.clock.now().getTime() + 6 * 3_600_000).toISOString(),
      },
      { actor: 'consul:kossi' },
    );
    if (outcome.dryRun) throw new Error('a dry run');
    const link = /\/r\/[A-Za-z0-9_-]{22}$/m.exec(smsOutbox(node.store)[0]?.text ?? '')?.[0];
    expect(link).toBeDefined();
    const base = await node.app.listen({ host: '127.0.0.1', port: 0 });
    visitors = await launchChromiumBrowser();
    const reader = await (await visitors.newContext({ locale: 'fr-FR' })).newPage();
    for (const lang of ['fr', 'sg', 'en']) {
      const response = await reader.goto(`${base}${link}?lang=${lang}`);
      expect(response?.status()).toBe(200);
      expect(await blockingViolations(reader)).toEqual([]);
    }
    // A phone without JavaScript: the form alone records the answer.
    const plain = await (await visitors.newContext({ locale: 'fr-FR', javaScriptEnabled: false })).newPage();
    await plain.goto(`${base}${link}?lang=fr`);
    await plain.fill('textarea[name=words]', 'Je suis chez ma sœur à Lyon.');
    await Promise.all([
      plain.waitForResponse((response) => response.request().method() === 'POST'),
      plain.click('button[value=not_in_zone]'),
    ]);
    await plain.waitForSelector('[role=status]');
    expect(node.domain.rollCalls.get(outcome.id).counts.notInZone).toBe(1);
    // The page as it answers, with its confirmation, checked by axe too (the same answer again changes nothing).
    await reader.goto(`${base}${link}?lang=fr`);
    expect(await reader.textContent('main')).toContain('Réponse enregistrée : pas dans la zone.');
    await Promise.all([
      reader.waitForResponse((response) => response.request().method() === 'POST'),
      reader.click('button[value=not_in_zone]'),
    ]);
    await reader.waitForSelector('[role=status]');
    expect(await blockingViolations(reader)).toEqual([]);
    expect(node.domain.rollCalls.replies(outcome.id)[0]?.text).toBe('Je suis chez ma sœur à Lyon.');
  });
});
