import type { NodeConfig } from '../../node/config/config.js';
import type { Store } from '../../node/db/store.js';
import { immediateTransaction } from '../../node/db/transaction.js';
import { createDomain } from '../../node/services/domain.js';

/** The n-th national's own mobile number in France (+33 6 10 00 00 00 onwards; n below 10 million). */
export function nationalPhone(n: number): string {
  return `+336${String(10_000_000 + n)}`;
}

/**
 * `count` registered nationals, each with a phone of their own and an address in Paris, submitted,
 * verified and activated through the registration service as at the counter: in one transaction,
 * so that the set-up costs one disk sync rather than three per person. Returns their phones.
 */
export async function seedNationals(store: Store, config: NodeConfig, count: number): Promise<string[]> {
  const domain = createDomain(store, config);
  const phones: string[] = [];
  try {
    immediateTransaction(store.db, () => {
      for (let n = 0; n < count; n++) {
        const phone = nationalPhone(n);
        const registration = domain.registrations.submit(
          {
            person: {
              givenNames: 'Awa',
              familyName: `Ndjadder ${n}`,
              birthDate: '1988-01-01',
              phone,
              address: `${n} rue Oberkampf, 75011 Paris`,
            },
            channel: 'counter',
            census: { languages: ['fr'] },
            consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
          },
          'agent:amina',
        );
        domain.registrations.verify(registration.id, 'agent:amina');
        domain.registrations.activate(registration.id, 'consul:kossi');
        phones.push(phone);
      }
    });
  } finally {
    await domain.close();
  }
  return phones;
}
