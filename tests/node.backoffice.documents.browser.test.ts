import { readFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { describeWithChromium, type LaunchedChromium, launchChromium } from './_util/browser.js';
import { fakePdf, fakePng } from './_util/scans.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';
import { counterFile } from './_util/staff-counter.js';

describeWithChromium('back office: scanned documents in Chromium', () => {
  let s: StaffApp | undefined;
  let browser: LaunchedChromium | undefined;
  afterEach(async () => {
    await browser?.close();
    await s?.close();
    browser = s = undefined;
  });

  it('attaches a scan through the file page’s form and downloads it back, byte for byte', {
    timeout: 120_000,
  }, async () => {
    s = await openStaffApp();
    const agent = await s.enrolled('yakite', ['agent']);
    const file = counterFile(s.domain, 'Clarisse', 'Ngoumbango');
    await s.domain.files.addDocument(
      file.id,
      { label: 'Passeport', contentType: 'application/pdf', bytes: fakePdf('x') },
      'yakite',
    );
    // The session cookie's expiry is written from the app's clock: the browser must agree on the date.
    s.clock.advance(Date.now() - s.clock.now().getTime());
    const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    const page = await browser.context.newPage();

    await page.goto(`${base}/staff/login`);
    await page.fill('input[name=username]', agent.username);
    await page.fill('input[name=password]', agent.password);
    await page.fill('input[name=code]', s.code(agent.totpSecret));
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith('/login')),
      page.click('button[type=submit]'),
    ]);
    await page.goto(`${base}/staff/dossiers/${file.id}`);
    expect(await page.textContent('body')).toContain('Passeport — PDF');

    // A phone photo of a birth certificate: 2 MB, past every other form's limit.
    const photo = Buffer.from(fakePng(2_000_000));
    await page.fill('input[name=label]', 'Acte de naissance');
    await page.setInputFiles('input[name=scan]', { name: 'acte.png', mimeType: 'image/png', buffer: photo });
    await page.click('form[enctype="multipart/form-data"] button[type=submit]');
    await page.waitForURL(/\?ok=document_added$/);
    expect(await page.textContent('body')).toContain('Pièce ajoutée au dossier.');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Acte de naissance'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^scan-[0-9a-f-]+\.png$/);
    const saved = await download.path();
    expect((await readFile(saved)).equals(photo)).toBe(true);
  });
});
