import { afterEach, describe, expect, it, vi } from 'vitest';
import { pageUser, staffApps } from './_util/backoffice-pages.js';
import { csrfOf, type StaffApp } from './_util/staff-app.js';
import {
  type StripeTestServer,
  startStripeTestServer,
  stripeReportCsv,
  stripeWebhook,
} from './_util/stripe-test-server.js';

// The staff app builds its domain without providers' secrets: this node enables Stripe, pointed
// at the local Stripe server.
const stripe = vi.hoisted(() => ({
  server: undefined as { secretKey: string; webhookSecret: string; url: string } | undefined,
}));
vi.mock('../node/services/domain.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../node/services/domain.js')>();
  return {
    ...original,
    createDomain: (...args: Parameters<typeof original.createDomain>) => {
      const [store, config, now] = args;
      const { server } = stripe;
      if (!server) return original.createDomain(...args);
      return original.createDomain(
        store,
        { ...config, simulatedPayments: true, stripe: { apiUrl: server.url, toleranceSeconds: 300 } },
        now,
        { stripe: { secretKey: server.secretKey, webhookSecret: server.webhookSecret } },
      );
    },
  };
});

const apps = staffApps();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await apps.closeAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  stripe.server = undefined;
});

async function stripeStaffApp() {
  const server = await startStripeTestServer();
  cleanups.push(server.close);
  stripe.server = server;
  return { s: await apps.open(), server };
}

/** An invoice paid by card on Stripe's page, told by the signed webhook; its receipt. */
async function paidByCard(s: StaffApp, server: StripeTestServer, unitMinor: number) {
  const { payments } = s.domain;
  const invoice = payments.createInvoice(
    { serviceCode: 'passport-renewal', lines: [{ label: 'Passeport', unitMinor, currency: 'XAF' }] },
    'system:portal',
  );
  const checkout = await payments.startCheckout({
    invoiceId: invoice.id,
    provider: 'stripe',
    returnUrl: 'https://paris.consulat-rca.example/paiement/retour',
  });
  server.pay(checkout.providerRef);
  const at = s.clock.now();
  const body = server.eventBody('checkout.session.completed', checkout.providerRef, { at });
  expect(payments.applyWebhook('stripe', stripeWebhook(server.webhookSecret, body, at))).toMatchObject({
    outcome: 'paid',
  });
  return payments.paymentsOfInvoice(invoice.id)[0]!;
}

/** Three card payments; the day's report with the second at a wrong amount and the third absent. */
async function dayWithProblems(s: StaffApp, server: StripeTestServer) {
  const receipts = [
    await paidByCard(s, server, 12_000),
    await paidByCard(s, server, 8_000),
    await paidByCard(s, server, 5_000),
  ];
  const rows = server.balanceRows(s.clock.now()).slice(0, 2);
  rows[1]!.gross = '9000';
  rows[1]!.net = String(9000 - Number(rows[1]!.fee));
  return { receipts, csv: stripeReportCsv(rows) };
}

/** The upload form as a browser posts it: multipart, the report as a file part. */
function multipartForm(fields: Record<string, string>, file: { name: string; content: string }) {
  const boundary = '----econsulat-test-boundary';
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="report"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`,
  );
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

async function upload(s: StaffApp, cookie: string, csv: string) {
  const page = await s.app.inject({ url: '/staff/rapprochements', headers: { cookie } });
  expect(page.statusCode).toBe(200);
  const form = multipartForm(
    { _csrf: csrfOf(page.body), provider: 'stripe' },
    { name: 'stripe-2026-03-02.csv', content: csv },
  );
  return s.app.inject({
    method: 'POST',
    url: '/staff/rapprochements',
    headers: { cookie, 'content-type': form.contentType },
    payload: form.payload,
  });
}

const stored = (s: StaffApp) =>
  (
    s.temp.store.db
      .prepare(
        'SELECT (SELECT count(*) FROM settlement_imports) + (SELECT count(*) FROM settlement_lines) AS n',
      )
      .get() as { n: number }
  ).n;

describe('back office: settlement reports', () => {
  it('imports a report by plain form and lists a wrong amount and a missing payment for the consul', async () => {
    const { s, server } = await stripeStaffApp();
    const { receipts, csv } = await dayWithProblems(s, server);
    const consul = await pageUser(s, await s.enrolled('bokassa', ['consul']));
    const posted = await upload(s, consul.cookie, csv);
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toMatch(/^\/staff\/rapprochements\/[0-9a-f-]{36}\?import=new$/);
    const page = await consul.get(String(posted.headers.location));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Relevé importé.');
    expect(page.body).toMatch(/data-outcome="matched"><td>Rapproché<\/td><td class="num">1</);
    expect(page.body).toMatch(/data-outcome="amount_mismatch"><td>Montant différent<\/td><td class="num">1</);
    expect(page.body).toMatch(/data-outcome="missing"><td>Absent du relevé<\/td><td class="num">1</);
    expect(page.body).toContain(receipts[2]!.receiptNumber);
    expect(page.body).toMatch(/Montant différent : 8[\s\u202f]000 XAF enregistré/);
    const again = await upload(s, consul.cookie, csv);
    expect(again.headers.location).toMatch(/\?import=again$/);
    expect((await consul.get(String(again.headers.location))).body).toContain(
      'déjà été importé : rien n’a changé',
    );
    expect((await consul.get('/staff/rapprochements')).body).toContain('stripe-2026-03-02.csv');
  });

  it('shows the day’s online payments per provider and currency on the cash closing page', async () => {
    const { s, server } = await stripeStaffApp();
    const { csv } = await dayWithProblems(s, server);
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const before = await agent.get('/staff/caisse');
    expect(before.body).toMatch(
      /data-provider="stripe" data-currency="XAF">[\s\S]*?25[\s\u202f]000 XAF \(3\)[\s\S]*?relevé non importé/,
    );
    await upload(s, agent.cookie, csv);
    const after = await agent.get('/staff/caisse');
    expect(after.body).toMatch(
      /data-provider="stripe" data-currency="XAF">[\s\S]*?25[\s\u202f]000 XAF \(3\)[\s\S]*?21[\s\u202f]000 XAF \(2\)[\s\S]*?1 absent\(s\) du relevé, 1 ligne\(s\) en anomalie/,
    );
  });

  it('refuses a malformed file with its French reason, storing nothing, and an auditor’s upload', async () => {
    const { s, server } = await stripeStaffApp();
    const { csv } = await dayWithProblems(s, server);
    const consul = await pageUser(s, await s.enrolled('bokassa', ['consul']));
    const refused = await upload(s, consul.cookie, csv.replace(/,12000,/, ',12 000 XAF,'));
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Fichier refusé, rien n’a été enregistré.');
    expect(refused.body).toContain(
      'Ligne 2 du fichier : colonne « gross » : montant illisible « 12 000 XAF »',
    );
    expect(stored(s)).toBe(0);
    const tooLarge = await upload(s, consul.cookie, `${csv}${'x'.repeat(5 * 1024 * 1024)}`);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.body).toContain('Fichier trop lourd : 5 Mo au plus.');
    expect(stored(s)).toBe(0);
    const auditor = await pageUser(s, await s.enrolled('kpanou', ['auditor']));
    const list = await auditor.get('/staff/rapprochements');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('enctype="multipart/form-data"');
    const forbidden = await upload(s, auditor.cookie, csv);
    expect(forbidden.statusCode).toBe(403);
    expect(stored(s)).toBe(0);
  });
});

describe('staff API: settlement reports', () => {
  it('imports a report once, gives its outcome, and refuses a malformed one with a French message', async () => {
    const { s, server } = await stripeStaffApp();
    const { receipts, csv } = await dayWithProblems(s, server);
    const { cookie } = await s.login(await s.enrolled('bokassa', ['consul']));
    const post = (body: unknown) =>
      s.app.inject({
        method: 'POST',
        url: '/api/v1/staff/settlements',
        headers: { cookie },
        payload: body as object,
      });
    const created = await post({ provider: 'stripe', csv, fileName: 'jour.csv' });
    expect(created.statusCode).toBe(201);
    const { importId, alreadyImported, report } = created.json();
    expect(alreadyImported).toBe(false);
    expect(report.outcomes).toEqual({
      matched: 1,
      amount_mismatch: 1,
      duplicate: 0,
      unknown_reference: 0,
      other: 0,
      missing: 1,
    });
    expect(report.missing[0]).toMatchObject({
      paymentId: receipts[2]!.id,
      amountMinor: 5_000,
      currency: 'XAF',
    });
    const again = await post({ provider: 'stripe', csv });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ importId, alreadyImported: true });
    const shown = await s.app.inject({ url: `/api/v1/staff/settlements/${importId}`, headers: { cookie } });
    expect(shown.statusCode).toBe(200);
    expect(shown.json().lines.map((line: { outcome: string }) => line.outcome)).toEqual([
      'matched',
      'amount_mismatch',
    ]);
    const list = await s.app.inject({ url: '/api/v1/staff/settlements', headers: { cookie } });
    expect(list.json().imports).toHaveLength(1);
    const malformed = await post({ provider: 'stripe', csv: 'balance_transaction_id,gross\ntxn_1,"12\n' });
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json().error).toMatchObject({
      code: 'settlement_malformed',
      message: expect.stringMatching(/^Fichier CSV illisible/),
    });
    const unknown = await s.app.inject({
      url: '/api/v1/staff/settlements/6f1c2d4e-0000-4000-8000-000000000000',
      headers: { cookie },
    });
    expect(unknown.statusCode).toBe(404);
    for (const body of [
      { provider: 'stripe' },
      { provider: 'Stripe!', csv },
      { provider: 'stripe', csv: '' },
    ]) {
      expect((await post(body)).statusCode).toBe(400);
    }
    expect(
      (s.temp.store.db.prepare('SELECT count(*) AS n FROM settlement_imports').get() as { n: number }).n,
    ).toBe(1);
  });

  it('lets an auditor read the imports but not import one', async () => {
    const { s, server } = await stripeStaffApp();
    const { csv } = await dayWithProblems(s, server);
    const { cookie } = await s.login(await s.enrolled('kpanou', ['auditor']));
    const refused = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/settlements',
      headers: { cookie },
      payload: { provider: 'stripe', csv },
    });
    expect(refused.statusCode).toBe(403);
    expect((await s.app.inject({ url: '/api/v1/staff/settlements', headers: { cookie } })).statusCode).toBe(
      200,
    );
  });
});
