import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nodeConfigSchema } from '../node/config/config.js';
import { createNode, type MissionNode } from '../node/index.js';
import { seedCatalogue } from '../node/services/catalogue/seed.js';
import { Identity, ready, sodium } from '../protocol/index.js';
import { describeWithChromium, launchChromiumBrowser } from './_util/browser.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { COUNTER_FILE_PHONE, openCounterFile } from './_util/portal.js';
import { type StripeTestServer, startStripeTestServer } from './_util/stripe-test-server.js';

/** Browser start and two origins' round trips take seconds on a shared 2-core machine. */
const BROWSER_TEST = { timeout: 180_000 };

describeWithChromium('card payment in Chromium, through the provider’s hosted page', () => {
  let stripe: StripeTestServer | undefined;
  let temp: TempDir | undefined;
  let node: MissionNode | undefined;
  let url = '';
  let browser: Browser | undefined;

  beforeAll(async () => {
    await ready();
    stripe = await startStripeTestServer();
    temp = await makeTempDir('econsulat-card-');
    // A Paris node as `econsulat node start` runs it, with Stripe enabled and its keys as secrets.
    const config = nodeConfigSchema.parse({
      missionId: 'fr-paris',
      missionName: 'Ambassade de Centrafrique à Paris',
      dataDir: temp.dir,
      http: { host: '127.0.0.1', port: 0 },
      timeZone: 'Europe/Paris',
      region: 'FR',
      hostCurrency: 'EUR',
      sms: { gateway: 'file', file: join(temp.dir, 'sms.jsonl') },
      simulatedPayments: false,
      stripe: { apiUrl: stripe.url },
      logLevel: 'silent',
    });
    node = await createNode(config, {
      identity: Identity.generate(config.missionId),
      dataKey: sodium.randombytes_buf(32),
      stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
    });
    seedCatalogue(node.context.store, { hostCurrency: config.hostCurrency });
    url = (await node.start()).replace(/\/$/, '');
    // The endpoint the mission registers in Stripe's dashboard.
    stripe.setWebhookEndpoint(`${url}/api/v1/payments/webhooks/stripe`);
    browser = await launchChromiumBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await node?.close();
    await stripe?.close();
    await temp?.cleanup();
  });

  it(
    'pays an invoice by card on the provider’s page and shows the receipt back on the portal',
    BROWSER_TEST,
    async () => {
      const { file, invoice } = openCounterFile(node!.context.domain);
      const context = await browser!.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${url}/paiement`);
      await page.fill('#f-numero', file.trackingNumber);
      await page.fill('#f-secret', COUNTER_FILE_PHONE);
      const [invoicesPage] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.click('main form button[type=submit]'),
      ]);
      // The page's payment forms may lead to the provider's page, and nowhere else.
      expect(await invoicesPage.headerValue('content-security-policy')).toContain(
        `form-action 'self' ${stripe!.url}`,
      );
      const cardButton = page.locator('form:has(input[name=provider][value=stripe]) button[type=submit]');
      await cardButton.waitFor();
      await cardButton.click();
      // Stripe's page, on its own origin.
      await page.waitForURL(`${stripe!.url}/c/pay/**`);
      expect(await page.textContent('h1')).toBe('Pay 10000 XAF');
      await page.click('button[type=submit]');
      await page.waitForURL(`${url}/paiement/retour/${invoice.id}**`);
      const [payment] = node!.context.domain.payments.paymentsOfInvoice(invoice.id);
      expect(payment).toMatchObject({ method: 'online', provider: 'stripe', amountMinor: 10_000 });
      const main = await page.textContent('main');
      expect(main).toContain(payment!.receiptNumber);
      expect(await page.textContent('[role=status]')).toMatch(/paiement.*reçu/i);
      expect(stripe!.webhookDeliveries).toEqual([{ type: 'checkout.session.completed', status: 200 }]);
      expect(node!.context.domain.payments.getInvoice(invoice.id)?.state).toBe('paid');
      await context.close();
    },
  );
});
