import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCodeAt } from '../node/services/staff/index.js';
import { describeWithChromium, type LaunchedChromium, launchChromium } from './_util/browser.js';
import { type HttpsNode, startHttpsNode } from './_util/https-node.js';

describeWithChromium(
  'back office over HTTPS in Chromium',
  () => {
    let node: HttpsNode;
    const browsers: LaunchedChromium[] = [];
    const launch = async (trustedCaFile?: string) => {
      const browser = await launchChromium(trustedCaFile ? { trustedCaFile } : {});
      browsers.push(browser);
      return browser;
    };

    beforeAll(async () => {
      node = await startHttpsNode();
    });

    afterAll(async () => {
      for (const browser of browsers) await browser.close();
      await node?.close();
    });

    it('loads the login page with the mission’s certificate and keeps the session in a Secure cookie', {
      timeout: 120_000,
    }, async () => {
      const browser = await launch(node.tls.paths.caCert);
      const page = await browser.context.newPage();
      // By name, as a counter types it: Chromium checks the chain to the mission's authority and the name.
      const base = node.url.replace('127.0.0.1', 'localhost');
      const response = await page.goto(`${base}/staff/login`);
      expect(response?.status()).toBe(200);
      const security = await response?.securityDetails();
      expect(security?.issuer).toBe('e-Consulat fr-paris – autorité locale');
      expect(security?.subjectName).toBe('localhost');

      await page.fill('input[name=username]', node.admin.username);
      await page.fill('input[name=password]', node.admin.password);
      await page.fill('input[name=code]', totpCodeAt(node.admin.totpSecret, new Date()));
      await Promise.all([
        page.waitForURL((url) => !url.pathname.endsWith('/login')),
        page.click('button[type=submit]'),
      ]);
      const session = (await browser.context.cookies(base)).find(
        (cookie) => cookie.name === 'econsulat_staff',
      );
      expect(session?.secure).toBe(true);
      expect(session?.httpOnly).toBe(true);
    });

    it('follows the plain HTTP address to the HTTPS login page', { timeout: 120_000 }, async () => {
      const browser = await launch(node.tls.paths.caCert);
      const page = await browser.context.newPage();
      const plain = node.redirectUrl.replace('127.0.0.1', 'localhost');
      await page.goto(`${plain}/staff/login`);
      const httpsPort = new URL(node.url).port;
      expect(page.url()).toBe(`https://localhost:${httpsPort}/staff/login`);
    });

    it('refuses the page on a browser that was not taught the mission’s authority', {
      timeout: 120_000,
    }, async () => {
      const browser = await launch();
      const page = await browser.context.newPage();
      await expect(page.goto(`${node.url}/staff/login`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    });
  },
  { needsCertutil: true },
);
