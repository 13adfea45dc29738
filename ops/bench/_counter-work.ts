import type { Store } from '../../node/db/store.js';
import { createFileService } from '../../node/services/files/file-service.js';
import { createPaymentService } from '../../node/services/payments/payment-service.js';
import { createPeopleRepository } from '../../node/services/people/people-repository.js';

/**
 * A day at the counter, through the node's own services: each applicant recorded, their file
 * opened and moved on once, invoiced and paid in cash. Real records with every personal field
 * encrypted, as a restore must bring them back. The store must hold the catalogue (seedCatalogue).
 * Returns how many applicants were served.
 */
export function counterWork(store: Store, applicants: number, from = 0): number {
  const now = () => new Date();
  const people = createPeopleRepository({ store, defaultRegion: 'FR', now });
  const files = createFileService({ store, people, trackingPrefix: 'PAR', defaultRegion: 'FR', now });
  const payments = createPaymentService({
    store,
    receiptPrefix: 'PAR',
    timeZone: 'Europe/Paris',
    files,
    people,
    now,
  });
  for (let i = from; i < from + applicants; i++) {
    const person = people.create(
      {
        givenNames: `Aimée ${i}`,
        familyName: ['Ngoumbango', 'Yakité', 'Namsène', 'Kossi-Gbanda'][i % 4] ?? '',
        birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
        phone: `+33 6 ${String(10_000_000 + i).slice(-8)}`,
        address: `${1 + (i % 90)} rue de Bangui, 75011 Paris`,
      },
      'amina',
    );
    const file = files.open(
      { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
      'amina',
    );
    files.transition(file.id, { to: 'in_review', note: 'pièces complètes' }, 'amina');
    const invoice = payments.createInvoice(
      {
        fileId: file.id,
        serviceCode: 'passport-renewal',
        lines: [{ label: 'Passeport ordinaire', unitMinor: 85_000, currency: 'XAF' }],
      },
      'amina',
    );
    payments.recordCashPayment(
      { invoiceId: invoice.id, amountMinor: 85_000, currency: 'XAF', cashbox: 'guichet-1' },
      'amina',
    );
  }
  return applicants;
}
