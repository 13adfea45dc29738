import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeConfigInput } from '../node/config/config.js';
import { portalRoutes } from '../node/http/portal/index.js';
import { MONDAY_8AM, testClock } from './_util/appointments.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';
import { COUNTER_FILE_PHONE, HIGH_LIMITS, openCounterFile, PortalVisitor } from './_util/portal.js';
import { type StripeTestServer, startStripeTestServer } from './_util/stripe-test-server.js';

// The test node builds its domain without providers' secrets: a node enabling Stripe gets the
// local Stripe server's keys, as it would from its environment.
const stripe = vi.hoisted(() => ({
  keys: undefined as { secretKey: string; webhookSecret: string } | undefined,
}));
vi.mock('../node/services/domain.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../node/services/domain.js')>();
  return {
    ...original,
    createDomain: (...args: Parameters<typeof original.createDomain>) => {
      const [store, config, now] = args;
      if (config.stripe === undefined || stripe.keys === undefined) return original.createDomain(...args);
      return original.createDomain(store, config, now, { stripe: stripe.keys });
    },
  };
});

const PAGE_BUDGET = 14 * 1024;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  stripe.keys = undefined;
});

async function portalWith(config: Partial<NodeConfigInput>): Promise<TestNode> {
  const clock = testClock(MONDAY_8AM);
  const node = await buildTestNode({
    now: clock.now,
    config,
    plugins: [(app, deps) => portalRoutes(app, { ...deps, rateLimits: HIGH_LIMITS })],
  });
  cleanups.push(node.cleanup);
  return node;
}

async function stripeServer(): Promise<StripeTestServer> {
  const server = await startStripeTestServer();
  cleanups.push(server.close);
  stripe.keys = { secretKey: server.secretKey, webhookSecret: server.webhookSecret };
  return server;
}

/** A visitor who opened a file's invoices on the payment page, in `lang`. */
async function invoicesPage(node: TestNode, lang = 'fr') {
  const { file, invoice } = openCounterFile(node.domain);
  const visitor = new PortalVisitor(node);
  await visitor.get(`/paiement?lang=${lang}`);
  const listed = await visitor.post('/paiement', { numero: file.trackingNumber, secret: COUNTER_FILE_PHONE });
  expect(listed.statusCode).toBe(200);
  return { visitor, listed, invoice };
}

describe('portal: the providers a mission enabled', () => {
  it('offers card payment on a Stripe node, sends the applicant to the session’s page, and back to the invoice', async () => {
    const server = await stripeServer();
    const node = await portalWith({ simulatedPayments: false, stripe: { apiUrl: server.url } });
    const { visitor, listed, invoice } = await invoicesPage(node);
    expect(listed.body).toContain('name="provider" value="stripe"');
    expect(listed.body).toContain('par carte bancaire');
    expect(listed.body).not.toContain('value="simulated"');
    const started = await visitor.post('/paiement/regler', { invoice: invoice.id, provider: 'stripe' });
    expect(started.statusCode).toBe(303);
    const [session] = [...server.sessions.values()];
    expect(session).toBeDefined();
    expect(started.headers.location).toBe(`${server.url}/c/pay/${session!.id}`);
    expect(started.headers.location).toBe(session!.url);
    expect(session!.success_url).toBe(`http://localhost:80/paiement/retour/${invoice.id}`);
    expect(session).toMatchObject({
      amount_total: invoice.totalMinor,
      currency: invoice.currency.toLowerCase(),
    });
  });

  it('sends the applicant back to the configured address rather than the request’s Host', async () => {
    const server = await stripeServer();
    const node = await portalWith({
      simulatedPayments: false,
      stripe: { apiUrl: server.url, returnUrl: 'https://paris.consulat-rca.example/paiement' },
    });
    const { visitor, invoice } = await invoicesPage(node);
    const started = await visitor.post('/paiement/regler', { invoice: invoice.id, provider: 'stripe' });
    expect(started.statusCode).toBe(303);
    const [session] = [...server.sessions.values()];
    expect(session?.success_url).toBe(`https://paris.consulat-rca.example/paiement/retour/${invoice.id}`);
  });

  it('says the words of each provider in fr, sg and en, in a page within budget and without script', async () => {
    const server = await stripeServer();
    const node = await portalWith({ simulatedPayments: true, stripe: { apiUrl: server.url } });
    const words = { fr: 'par carte bancaire', sg: 'na carte ti banque', en: 'by card' };
    for (const [lang, card] of Object.entries(words)) {
      const { listed } = await invoicesPage(node, lang);
      expect(listed.body).toContain(card);
      expect(listed.body).toContain('value="simulated"');
      expect(Buffer.byteLength(listed.body)).toBeLessThan(PAGE_BUDGET);
      expect(listed.body).not.toMatch(/<script|\son[a-z]+=/i);
    }
  });

  it('offers only the simulated provider where it alone is enabled, and none on a node without any', async () => {
    const simulated = await portalWith({ simulatedPayments: true });
    const { listed } = await invoicesPage(simulated);
    expect(listed.body).toContain('value="simulated"');
    expect(listed.body).not.toContain('value="stripe"');
    const none = await portalWith({ simulatedPayments: false });
    const { visitor, listed: noButton, invoice } = await invoicesPage(none);
    expect(noButton.body).not.toContain('name="provider"');
    expect(noButton.body).toContain('À régler au guichet.');
    await visitor.get('/paiement'); // a page with a form, for its CSRF token
    const refused = await visitor.post('/paiement/regler', { invoice: invoice.id, provider: 'stripe' });
    expect(refused.statusCode).toBe(503);
    expect(refused.body).toContain('n’est pas disponible');
  });

  it('tells the applicant to pay at the counter when Stripe cannot be reached', async () => {
    const server = await stripeServer();
    const node = await portalWith({ simulatedPayments: false, stripe: { apiUrl: server.url } });
    const { visitor, invoice } = await invoicesPage(node);
    server.revokeKey();
    const refused = await visitor.post('/paiement/regler', { invoice: invoice.id, provider: 'stripe' });
    expect(refused.statusCode).toBe(503);
    expect(refused.body).toContain('n’est pas disponible');
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('open');
  });
});
