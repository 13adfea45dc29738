import { afterEach, describe, expect, it } from 'vitest';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';
import { paidFile } from './_util/staff-counter.js';

const apps = staffApps();
afterEach(apps.closeAll);

/** A paid 55 000 XAF cash invoice; its invoice page and payment id. */
function paidInvoice(s: StaffApp): { paymentId: string; invoicePage: string } {
  const paymentId = paidFile(s, 'Prosper', 'Mbaïkoua');
  const invoiceId = s.domain.payments.getPayment(paymentId)!.invoiceId;
  return { paymentId, invoicePage: `/staff/factures/${invoiceId}` };
}

const refundedMinor = (s: StaffApp, paymentId: string) =>
  s.domain.payments.getPayment(paymentId)!.refundedMinor;

describe('back office: refunds', () => {
  it('offers the refund of a paid invoice to the consul only', async () => {
    const s = await apps.open();
    const { paymentId, invoicePage } = paidInvoice(s);
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const page = await consul.get(invoicePage);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/staff/paiements/${paymentId}/remboursement`);
    expect(page.body).toContain('value="55000"');
    for (const [name, role] of [
      ['yakite', 'agent'],
      ['kette', 'auditor'],
    ] as const) {
      const reader = await pageUser(s, await s.enrolled(name, [role]));
      const shown = await reader.get(invoicePage);
      expect(shown.statusCode).toBe(200);
      expect(shown.body).not.toContain('/remboursement');
    }
  });

  it('refuses an agent’s refund, and one posted without the CSRF token', async () => {
    const s = await apps.open();
    const { paymentId, invoicePage } = paidInvoice(s);
    const fields = { amount: '10000', reason: 'Erreur de service' };
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const byAgent = await agent.submit(invoicePage, `/staff/paiements/${paymentId}/remboursement`, fields);
    expect(byAgent.statusCode).toBe(403);
    expect(byAgent.body).toContain('Votre rôle ne permet pas cette action.');
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const forged = await consul.post(`/staff/paiements/${paymentId}/remboursement`, fields, '');
    expect(forged.statusCode).toBe(403);
    expect(refundedMinor(s, paymentId)).toBe(0);
    expect(auditEntries(s, 'refund.recorded')).toEqual([]);
  });

  it('refuses an amount that is not one, more than was paid, and a missing reason', async () => {
    const s = await apps.open();
    const { paymentId, invoicePage } = paidInvoice(s);
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const url = `/staff/paiements/${paymentId}/remboursement`;
    const notAmount = await consul.submit(invoicePage, url, { amount: '12,5', reason: 'Erreur de service' });
    expect(notAmount.statusCode).toBe(400);
    expect(notAmount.body).toContain('incomplètes ou invalides');
    const tooMuch = await consul.submit(invoicePage, url, { amount: '55 001', reason: 'Erreur de service' });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.body).toContain('dépasse ce qui reste à rembourser');
    const noReason = await consul.submit(invoicePage, url, { amount: '1000', reason: ' a ' });
    expect(noReason.statusCode).toBe(400);
    expect(refundedMinor(s, paymentId)).toBe(0);
    expect(auditEntries(s, 'refund.recorded')).toEqual([]);
  });

  it('records a cash refund, shown on the invoice, on the cash page, and counted at the closing', async () => {
    const s = await apps.open();
    const { paymentId, invoicePage } = paidInvoice(s);
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const response = await consul.submit(invoicePage, `/staff/paiements/${paymentId}/remboursement`, {
      amount: '20 000',
      reason: 'Timbre <non dû>',
      cashbox: 'guichet',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${invoicePage}?ok=refunded`);
    expect(refundedMinor(s, paymentId)).toBe(20_000);
    const [entry] = auditEntries(s, 'refund.recorded');
    expect(entry).toMatchObject({ actor: 'ngaba', entity: 'refund' });
    const invoice = await consul.get(`${invoicePage}?ok=refunded`);
    expect(invoice.body).toContain('Remboursement enregistré.');
    expect(invoice.body).toContain('20\u202f000 XAF');
    expect(invoice.body).toContain('Timbre &lt;non dû&gt;');
    expect(invoice.body).toContain('value="35000"');
    const cash = await consul.get('/staff/caisse');
    expect(cash.body).toContain('Timbre &lt;non dû&gt;');
    expect(cash.body).toMatch(/Remboursements<\/dt><dd>20\u202f000 XAF \(1\)/);
    expect(cash.body).toContain('<strong>35\u202f000 XAF</strong>');
    const closed = await consul.submit('/staff/caisse', '/staff/caisse/cloture', {
      businessDate: '2026-03-02',
      currency: 'XAF',
      cashbox: 'guichet',
      counted: '35000',
      note: '',
    });
    expect(closed.statusCode).toBe(303);
    const day = s.domain.payments.cashDaySummary({
      businessDate: '2026-03-02',
      currency: 'XAF',
      cashbox: 'guichet',
    });
    expect(day.closing).toMatchObject({ expectedMinor: 35_000, countedMinor: 35_000 });
  });
});
