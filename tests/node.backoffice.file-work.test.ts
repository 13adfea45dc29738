import { afterEach, describe, expect, it } from 'vitest';
import { formatMoney } from '../node/http/staff/money-view.js';
import { getService } from '../node/services/catalogue/catalogue.js';
import type { ConsularFile } from '../node/services/files/file-schema.js';
import { auditEntries, type PageUser, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';

const apps = staffApps();
afterEach(apps.closeAll);

const SERVICE = 'passport-renewal';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A counter file for a new applicant, opened by the agent `yakite`. */
function counterFile(s: StaffApp, givenNames = 'Clarisse', familyName = 'Ngoumbango'): ConsularFile {
  const person = s.domain.people.create({ givenNames, familyName }, 'yakite');
  return s.domain.files.open({ personId: person.id, serviceCode: SERVICE, channel: 'counter' }, 'yakite');
}

/** The fee the catalogue in force charges for the service in a currency. */
function catalogueFee(s: StaffApp, currency: string): number {
  const fee = getService(s.temp.store, SERVICE, 'fr')?.fees.find((entry) => entry.currency === currency);
  if (!fee) throw new Error(`${SERVICE} has no fee in ${currency}`);
  return fee.amountMinor;
}

/** The value of a named input of a page's forms. */
function fieldOf(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no ${name} field on the page`);
  return value;
}

const countRows = (s: StaffApp, table: 'payments' | 'invoices') =>
  (s.temp.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('back office: moving a file through its form', () => {
  it('moves a submitted file into review, with its note escaped on the page and the agent in the history', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const file = counterFile(s);
    const url = `/staff/dossiers/${file.id}`;
    const before = await agent.get(url);
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain(`action="${url}/transition"`);
    expect(fieldOf(before.body, 'expectedFrom')).toBe('submitted');
    expect(before.body).toContain('<option value="in_review">En instruction</option>');

    const note = 'Pièces <b>complètes</b> & vérifiées';
    const response = await agent.submit(url, `${url}/transition`, {
      to: 'in_review',
      expectedFrom: 'submitted',
      note,
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${url}?ok=moved`);

    expect(s.domain.files.get(file.id)?.state).toBe('in_review');
    const history = s.domain.files.history(file.id);
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({ from: 'submitted', to: 'in_review', actor: 'yakite', note });
    expect(auditEntries(s, 'file.transitioned')).toEqual([
      { actor: 'yakite', entity: 'file', entityId: file.id },
    ]);

    const after = await agent.get(String(response.headers.location));
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('Dossier mis à jour.');
    expect(after.body).toContain('<dt>État</dt><dd>En instruction</dd>');
    expect(after.body).toContain(
      'En instruction par yakite : Pièces &lt;b&gt;complètes&lt;/b&gt; &amp; vérifiées',
    );
    expect(after.body).not.toContain('<b>complètes</b>');
    // The next form must carry the new state, or the agent's next move would be refused as stale.
    expect(fieldOf(after.body, 'expectedFrom')).toBe('in_review');
  });

  it('refuses a decision to an agent with 403 and leaves the file in review, where a consul may decide it', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const file = counterFile(s);
    // In review, approval is a move the workflow allows: only the role can stop it.
    s.domain.files.transition(file.id, { to: 'in_review', expectedFrom: 'submitted' }, 'yakite');
    const url = `/staff/dossiers/${file.id}`;
    const fields = { to: 'approved', expectedFrom: 'in_review', note: 'Accordé' };
    // The page offers each role only the moves it may make.
    expect((await agent.get(url)).body).not.toContain('<option value="approved">');
    expect((await agent.get(url)).body).toContain('<option value="awaiting_payment">');
    expect((await consul.get(url)).body).toContain('<option value="approved">');

    const byAgent = await agent.submit(url, `${url}/transition`, fields);
    expect(byAgent.statusCode).toBe(403);
    expect(byAgent.headers['content-type']).toMatch(/text\/html/);
    expect(byAgent.body).toContain('Votre rôle ne permet pas cette action.');
    expect(s.domain.files.get(file.id)?.state).toBe('in_review');
    expect(s.domain.files.history(file.id)).toHaveLength(2);

    const byConsul = await consul.submit(url, `${url}/transition`, fields);
    expect(byConsul.statusCode).toBe(303);
    expect(byConsul.headers.location).toBe(`${url}?ok=moved`);
    expect(s.domain.files.get(file.id)?.state).toBe('approved');
    expect(s.domain.files.history(file.id).at(-1)).toMatchObject({ to: 'approved', actor: 'ngaba' });
  });

  it('refuses a form loaded before another agent moved the file, with the 409 page, and changes nothing', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const colleague = await pageUser(s, await s.enrolled('bozize', ['agent']));
    const file = counterFile(s);
    const url = `/staff/dossiers/${file.id}`;
    const stalePage = await agent.get(url);
    expect(fieldOf(stalePage.body, 'expectedFrom')).toBe('submitted');

    const moved = await colleague.submit(url, `${url}/transition`, {
      to: 'awaiting_payment',
      expectedFrom: 'submitted',
      note: '',
    });
    expect(moved.statusCode).toBe(303);

    // awaiting_payment → in_review is allowed: the stale state alone must be what refuses it.
    const stale = await agent.post(
      `${url}/transition`,
      { to: 'in_review', expectedFrom: 'submitted', note: 'Vu au guichet' },
      fieldOf(stalePage.body, '_csrf'),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toMatch(/text\/html/);
    expect(stale.body).toContain('Le dossier a été modifié entre-temps. Rechargez la page.');
    expect(stale.body).toContain('state_changed');
    expect(s.domain.files.get(file.id)?.state).toBe('awaiting_payment');
    const history = s.domain.files.history(file.id);
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({ to: 'awaiting_payment', actor: 'bozize' });
    expect(auditEntries(s, 'file.transitioned')).toHaveLength(1);
  });

  it('refuses a transition without the CSRF token, or with another session’s, and changes nothing', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const other = await pageUser(s, await s.enrolled('bozize', ['agent']));
    const file = counterFile(s);
    const url = `/staff/dossiers/${file.id}`;
    const fields = { to: 'in_review', expectedFrom: 'submitted', note: '' };

    const missing = await agent.post(`${url}/transition`, fields, '');
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('Le formulaire a expiré');
    const foreignToken = fieldOf((await other.get(url)).body, '_csrf');
    expect((await agent.post(`${url}/transition`, fields, foreignToken)).statusCode).toBe(403);

    expect(s.domain.files.get(file.id)?.state).toBe('submitted');
    expect(s.domain.files.history(file.id)).toHaveLength(1);
    expect(auditEntries(s, 'file.transitioned')).toEqual([]);
  });
});

/** Invoices a file through its page's form; returns the response and the invoice id it led to. */
async function invoiceThroughForm(agent: PageUser, fileId: string, currency: string) {
  const response = await agent.submit(`/staff/dossiers/${fileId}`, `/staff/dossiers/${fileId}/facture`, {
    currency,
  });
  const location = String(response.headers.location);
  const invoiceId = new RegExp(`^/staff/factures/(${UUID})\\?ok=invoiced$`).exec(location)?.[1];
  return { response, location, invoiceId };
}

describe('back office: invoicing and cash through the forms', () => {
  it.each(['XAF', 'EUR'])('invoices a file in %s at the catalogue’s fee', async (currency) => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const file = counterFile(s);
    const fee = catalogueFee(s, currency);
    const page = await agent.get(`/staff/dossiers/${file.id}`);
    expect(page.body).toContain(`<option value="${currency}">${formatMoney(fee, currency)}</option>`);

    const { response, invoiceId } = await invoiceThroughForm(agent, file.id, currency);
    expect(response.statusCode).toBe(303);
    expect(invoiceId).toBeDefined();
    expect(s.domain.payments.getInvoice(invoiceId!)).toMatchObject({
      fileId: file.id,
      serviceCode: SERVICE,
      currency,
      totalMinor: fee,
      state: 'open',
      createdBy: 'yakite',
    });
    expect(s.domain.payments.invoicesOfFile(file.id)).toHaveLength(1);
  });

  it('records cash for exactly the amount due through the invoice’s form, and prints the receipt', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const file = counterFile(s, 'Clarisse', 'Ngoumbango & Fils');
    const fee = catalogueFee(s, 'XAF');
    const { location, invoiceId } = await invoiceThroughForm(agent, file.id, 'XAF');

    const invoicePage = await agent.get(location);
    expect(invoicePage.statusCode).toBe(200);
    expect(invoicePage.body).toContain('Facture établie.');
    expect(invoicePage.body).toContain(`<strong>${formatMoney(fee, 'XAF')}</strong>`);
    const paymentUrl = `/staff/factures/${invoiceId}/paiement`;
    expect(invoicePage.body).toContain(`action="${paymentUrl}"`);
    const fields = {
      amountMinor: fieldOf(invoicePage.body, 'amountMinor'),
      currency: fieldOf(invoicePage.body, 'currency'),
      cashbox: fieldOf(invoicePage.body, 'cashbox'),
    };
    expect(fields).toEqual({ amountMinor: String(fee), currency: 'XAF', cashbox: 'guichet' });

    const paid = await agent.post(paymentUrl, fields, fieldOf(invoicePage.body, '_csrf'));
    expect(paid.statusCode).toBe(303);
    const receiptUrl = String(paid.headers.location);
    const paymentId = new RegExp(`^/staff/recus/(${UUID})$`).exec(receiptUrl)?.[1];
    expect(paymentId).toBeDefined();
    const payment = s.domain.payments.getPayment(paymentId!);
    expect(payment).toMatchObject({
      invoiceId,
      method: 'cash',
      amountMinor: fee,
      currency: 'XAF',
      cashbox: 'guichet',
      recordedBy: 'yakite',
    });
    expect(s.domain.payments.getInvoice(invoiceId!)).toMatchObject({ state: 'paid', paidMinor: fee });
    expect(auditEntries(s, 'payment.recorded')).toEqual([
      { actor: 'yakite', entity: 'payment', entityId: paymentId },
    ]);

    const receipt = await agent.get(receiptUrl);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.body).toContain(`Reçu n° ${payment!.receiptNumber}`);
    expect(receipt.body).toContain('<dt>Reçu de</dt><dd>Clarisse Ngoumbango &amp; Fils</dd>');
    expect(receipt.body).toContain(file.trackingNumber);
    expect(receipt.body).toContain(`<strong>${formatMoney(fee, 'XAF')}</strong>`);
    expect(receipt.body).toContain('Encaissé par yakite, caisse guichet.');

    // A paid invoice offers no second payment, only its receipt.
    const settled = await agent.get(`/staff/factures/${invoiceId}`);
    expect(settled.body).not.toContain(`action="${paymentUrl}"`);
    expect(settled.body).toContain(`/staff/recus/${paymentId}`);
    expect((await agent.get(`/staff/dossiers/${file.id}`)).body).toContain('payée');
  });

  it('refuses any amount other than the amount due, in French, and records nothing', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const file = counterFile(s);
    const fee = catalogueFee(s, 'XAF');
    const { location, invoiceId } = await invoiceThroughForm(agent, file.id, 'XAF');
    const csrf = fieldOf((await agent.get(location)).body, '_csrf');
    const pay = (amountMinor: number) =>
      agent.post(
        `/staff/factures/${invoiceId}/paiement`,
        { amountMinor: String(amountMinor), currency: 'XAF', cashbox: 'guichet' },
        csrf,
      );

    for (const amount of [fee - 1, fee + 1]) {
      const refused = await pay(amount);
      expect(refused.statusCode).toBe(422);
      expect(refused.headers['content-type']).toMatch(/text\/html/);
      expect(refused.body).toContain('Le montant doit être exactement le montant dû.');
      expect(refused.body).toContain('amount_mismatch');
    }
    expect(s.domain.payments.paymentsOfInvoice(invoiceId!)).toEqual([]);
    expect(countRows(s, 'payments')).toBe(0);
    expect(s.domain.payments.getInvoice(invoiceId!)).toMatchObject({ state: 'open', paidMinor: 0 });
  });

  it('refuses cash and invoicing to a consul: only agents hold the till', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const file = counterFile(s);
    const fee = catalogueFee(s, 'XAF');
    const { invoiceId } = await invoiceThroughForm(agent, file.id, 'XAF');
    const invoiceUrl = `/staff/factures/${invoiceId}`;
    // Neither form is offered to a consul, and posting them anyway is refused.
    expect((await consul.get(invoiceUrl)).body).not.toContain('/paiement"');
    expect((await consul.get(`/staff/dossiers/${file.id}`)).body).not.toContain('/facture"');
    expect((await agent.get(invoiceUrl)).body).toContain('/paiement"');

    const byConsul = await consul.submit(invoiceUrl, `${invoiceUrl}/paiement`, {
      amountMinor: String(fee),
      currency: 'XAF',
      cashbox: 'guichet',
    });
    expect(byConsul.statusCode).toBe(403);
    expect(byConsul.body).toContain('Votre rôle ne permet pas cette action.');
    expect(countRows(s, 'payments')).toBe(0);
    expect(s.domain.payments.getInvoice(invoiceId!)?.state).toBe('open');

    const invoicing = await invoiceThroughForm(consul, file.id, 'XAF');
    expect(invoicing.response.statusCode).toBe(403);
    expect(countRows(s, 'invoices')).toBe(1);
  });

  it('refuses the invoice and cash forms without their CSRF token, and records nothing', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const file = counterFile(s);
    const fee = catalogueFee(s, 'XAF');

    const noInvoice = await agent.post(`/staff/dossiers/${file.id}/facture`, { currency: 'XAF' }, '');
    expect(noInvoice.statusCode).toBe(403);
    expect(noInvoice.body).toContain('Le formulaire a expiré');
    expect(countRows(s, 'invoices')).toBe(0);

    const { invoiceId } = await invoiceThroughForm(agent, file.id, 'XAF');
    const noCash = await agent.post(
      `/staff/factures/${invoiceId}/paiement`,
      { amountMinor: String(fee), currency: 'XAF', cashbox: 'guichet' },
      '',
    );
    expect(noCash.statusCode).toBe(403);
    expect(noCash.body).toContain('Le formulaire a expiré');
    expect(countRows(s, 'payments')).toBe(0);
    expect(s.domain.payments.getInvoice(invoiceId!)?.state).toBe('open');
  });
});
