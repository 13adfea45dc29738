import type { Domain } from '../../node/services/domain.js';
import { codeFor } from './appointments.js';
import type { StaffApp } from './staff-app.js';

/** Monday 2 March 2026, 09:00 in Paris: a slot on the app's first day. */
export const TODAY_9AM = '2026-03-02T08:00:00.000Z';

/** A confirmed booking for today, made and confirmed as the portal would. */
export function bookToday(
  s: StaffApp,
  who: { givenNames: string; familyName: string; documentNumber: string; phone: string },
): string {
  const held = s.domain.appointments.book(
    {
      serviceCode: 'passport-renewal',
      slotStart: TODAY_9AM,
      applicant: { givenNames: who.givenNames, familyName: who.familyName },
      phone: who.phone,
      documentNumber: who.documentNumber,
      lang: 'fr',
    },
    'portal',
  );
  s.domain.appointments.confirm(
    { reference: held.reference, code: codeFor(s.temp.store, held.reference) },
    'portal',
  );
  return held.reference;
}

/** A passport renewal opened at the counter for a new person. */
export function counterFile(
  domain: Pick<Domain, 'people' | 'files'>,
  givenNames: string,
  familyName: string,
  actor = 'yakite',
) {
  const person = domain.people.create({ givenNames, familyName }, actor);
  return domain.files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    actor,
  );
}

/** A paid invoice of a counter file for a new person; returns the payment id. */
export function paidFile(s: StaffApp, givenNames: string, familyName: string): string {
  const { payments } = s.domain;
  const file = counterFile(s.domain, givenNames, familyName);
  const invoice = payments.createInvoice(
    {
      serviceCode: 'passport-renewal',
      fileId: file.id,
      lines: [{ label: 'Passeport', unitMinor: 55_000, currency: 'XAF' }],
    },
    'yakite',
  );
  return payments.recordCashPayment(
    { invoiceId: invoice.id, amountMinor: invoice.totalMinor, currency: 'XAF', cashbox: 'guichet' },
    'yakite',
  ).id;
}

/** Stores a directive as the hub link would, and returns its id. */
export function insertDirective(s: StaffApp, title = 'Fermeture exceptionnelle'): string {
  const directiveId = '6f1c2b9e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';
  const at = s.clock.now().toISOString();
  const body = {
    directiveId,
    title: { fr: title },
    body: { fr: 'Les services consulaires seront fermés le 8 mars.' },
    priority: 'high',
    target: 'all',
    effectiveAt: at,
    requiresAck: true,
    issuedBy: 'MAE Bangui',
    issuedAt: at,
  };
  s.temp.store.db
    .prepare(
      'INSERT INTO directives (directive_id, priority, requires_ack, effective_at, body, received_at) VALUES (?, ?, 1, ?, ?, ?)',
    )
    .run(directiveId, body.priority, at, JSON.stringify(body), at);
  return directiveId;
}
