import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { decodeDataMatrix } from '../ops/commands/visa-verify-input.js';
import { describeWithChromium, launchChromiumBrowser } from './_util/browser.js';
import { placedImages, renderPageImages } from './_util/pdf-page-images.js';
import { runEconsulat } from './_util/processes/econsulat-cli.js';
import type { EnrolledUser } from './_util/staff-fixture.js';
import {
  loadBundleFile,
  openVerifierOffline,
  verifyImageOnPage,
  writeVerifierPages,
} from './_util/verifier-page.js';
import { startVisaMissionApp, type VisaMissionApp } from './_util/visa-mission-app.js';
import { bioPagePdf, checkDigitOf, installSigner, photoPng } from './node.visas.fixtures.js';

// The whole chain in Chromium: a foreigner applies for a visa on the portal (plain forms, uploads)
// and pays the fee online (the simulated provider, as the demo runs it); an agent prepares and the
// consul grants in the back office (password and TOTP); the agent issues; the applicant downloads
// the PDF with the tracking number and the secret. Its page is rendered (pdf-page-images.ts), the
// DataMatrix read from that rendering by zxing-wasm, then checked offline by `econsulat visa
// verify` and by the verifier page opened from disk with the network cut.

const DAY_MS = 86_400_000;
const PHONE = '+33 6 12 34 56 78';

let mission: VisaMissionApp | undefined;
let browser: Browser | undefined;
let dir: string | undefined;
afterEach(async () => {
  await browser?.close();
  await mission?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  browser = mission = dir = undefined;
});

const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);

async function clickThrough(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** A back-office session in a browser of its own, logged in with password and TOTP code. */
async function staffPage(browser: Browser, app: VisaMissionApp, user: EnrolledUser): Promise<Page> {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}/staff/login`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.fill('input[name=code]', app.code(user.totpSecret));
  await Promise.all([
    page.waitForURL((url) => !url.pathname.endsWith('/login')),
    page.click('button[type=submit]'),
  ]);
  return page;
}

describeWithChromium('a visa from the portal to the border post, in Chromium', () => {
  it('is applied for, paid, granted, downloaded, and its printed seal verified offline by the command line and the page', {
    timeout: 120_000,
  }, async () => {
    mission = await startVisaMissionApp();
    const app = mission;
    const trust = await installSigner(app.config.dataDir);
    dir = await mkdtemp(join(tmpdir(), 'econsulat-visa-e2e-'));
    browser = await launchChromiumBrowser();
    const today = app.clock.now().getTime();

    // The applicant, on the portal, in French.
    const applicant = await (await browser.newContext()).newPage();
    await applicant.goto(`${app.url}/visa?lang=fr`);
    await applicant.fill('#f-familyName', 'Ndiaye');
    await applicant.fill('#f-givenNames', 'Awa');
    await applicant.fill('#f-birthDate', '1990-03-14');
    await applicant.selectOption('#f-sex', 'F');
    await applicant.fill('#f-nationality', 'SEN');
    await applicant.fill('#f-passportNumber', 'A01234567');
    await applicant.fill('#f-passportCheckDigit', checkDigitOf('A01234567'));
    await applicant.fill('#f-passportExpiry', isoDay(today + 4 * 365 * DAY_MS));
    await applicant.fill('#f-arrivalDate', isoDay(today + 30 * DAY_MS));
    await applicant.fill('#f-departureDate', isoDay(today + 50 * DAY_MS));
    await applicant.fill('#f-purpose', 'Réunions de travail à Bangui');
    await applicant.fill('#f-phone', PHONE);
    await applicant.setInputFiles('#f-photo', {
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from(await photoPng()),
    });
    await applicant.setInputFiles('#f-bioPage', {
      name: 'passeport.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(bioPagePdf()),
    });
    await clickThrough(applicant, 'main form button[type=submit]');
    const tracking = ((await applicant.textContent('.alert strong')) ?? '').trim();
    expect(tracking).toMatch(/^PAR-/);

    // The fee, paid online on the portal's payment page.
    await applicant.goto(`${app.url}/paiement?lang=fr`);
    await applicant.fill('#f-numero', tracking);
    await applicant.fill('#f-secret', PHONE);
    await clickThrough(applicant, 'main form button[type=submit]');
    await clickThrough(applicant, 'form[action="/paiement/regler"] button[type=submit]');
    await clickThrough(applicant, 'button[name=issue][value=paid]');
    expect(await applicant.textContent('main')).toContain('Paiement reçu');
    const file = app.domain.files.findByTrackingNumber(tracking);
    const [invoice] = app.domain.payments.invoicesOfFile(file?.id as string);
    expect(invoice?.state).toBe('paid');

    // The agent prepares, the consul grants (the dates the applicant asked for), the agent issues.
    const agent = await staffPage(browser, app, await app.enrolled('amina', ['agent']));
    const consul = await staffPage(browser, app, await app.enrolled('kossi', ['consul']));
    await agent.goto(`${app.url}/staff/visas?etat=submitted`);
    await clickThrough(agent, `a:has-text("${tracking}")`);
    const visaPage = agent.url();
    await clickThrough(agent, 'button:has-text("Pièces vérifiées : transmettre au consul")');
    await consul.goto(visaPage);
    await clickThrough(consul, 'button:has-text("Accorder")');
    await agent.goto(visaPage);
    await clickThrough(agent, 'button:has-text("Délivrer")');
    expect(await agent.textContent('main')).toContain('Délivrée');
    const issued = app.domain.visas.ofFile(file?.id as string);
    expect(issued?.state).toBe('issued');
    const seal = issued?.seal as Uint8Array;

    // The applicant downloads the document with the tracking number and the secret.
    await applicant.goto(`${app.url}/visa/document?lang=fr`);
    await applicant.fill('#f-numero', tracking);
    await applicant.fill('#f-secret', PHONE);
    const [download] = await Promise.all([
      applicant.waitForEvent('download'),
      applicant.click('main form button[type=submit]'),
    ]);
    expect(download.suggestedFilename()).toBe(`${issued?.documentNumber}.pdf`);
    const pdf = await PDFDocument.load(await readFile(await download.path()));
    expect(placedImages(pdf).length).toBe(2); // the photo and the DataMatrix

    // The page rendered at 150 dpi, its DataMatrix found and read by zxing-wasm.
    const rendered = await renderPageImages(await (await browser.newContext()).newPage(), pdf, { dpi: 150 });
    const renderedPath = join(dir, 'visa-page.png');
    await writeFile(renderedPath, rendered);
    const read = await decodeDataMatrix(rendered);
    expect(Buffer.from(read).equals(Buffer.from(seal))).toBe(true);

    // Offline at the border: the command line, exit 0 ...
    const bundlePath = join(dir, 'trust-bundle.json');
    await writeFile(bundlePath, JSON.stringify(trust.bundle));
    const at = app.clock.now().toISOString();
    const cli = await runEconsulat(['visa', 'verify', renderedPath, '--bundle', bundlePath, '--at', at]);
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toContain('VALIDE');
    expect(cli.stdout).toContain(issued?.documentNumber as string);

    // ... and the verifier page, from disk, with no network, given the same rendering.
    const pages = await writeVerifierPages(dir);
    const verifier = await openVerifierOffline(browser, pages.reader, app.clock.now());
    await loadBundleFile(verifier.page, trust.bundle);
    const answer = await verifyImageOnPage(verifier.page, rendered, '#seal-photo');
    expect(answer.outcome).toBe('valid');
    expect(answer.data).toContain('NDIAYE');
    expect(answer.data).toContain('A01234567');
    expect(answer.data).toContain(issued?.documentNumber as string);
    expect(verifier.requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });
});
