import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { upsertService } from './catalogue-rows.js';
import type { MissionService } from './catalogue-schema.js';
import { civilServices } from './seed-civil.js';
import { travelServices } from './seed-travel.js';

/** The catalogue an RCA mission starts with, before the ministry's first catalogue.update arrives. */
export const seedServices: readonly MissionService[] = [...travelServices, ...civilServices];

/** Options of {@link seedCatalogue}. */
export interface SeedCatalogueOptions {
  /** ISO 4217 code of the host country's currency (default EUR). */
  readonly hostCurrency?: string;
  /**
   * Host-currency fee for an XAF amount, for hosts outside the euro zone and the CFA franc zone.
   * Without it those missions start with XAF fees only and set local fees as overrides.
   */
  readonly hostFeeFromXaf?: (xafAmount: number) => number;
  readonly now?: Date;
}

/**
 * Fills an empty catalogue with the seed services (the Sango texts marked for review). A catalogue
 * that already holds services is left alone. Returns the number of services written.
 */
export function seedCatalogue(store: Store, options: SeedCatalogueOptions = {}): number {
  const { db } = store;
  const at = (options.now ?? new Date()).toISOString();
  return immediateTransaction(db, () => {
    const { count } = db.prepare('SELECT count(*) AS count FROM services').get() as { count: number };
    if (count > 0) return 0;
    const services = seedServices.map((service) => ({ ...service, fees: hostFees(service, options) }));
    for (const service of services) {
      upsertService(db, service, { source: 'seed', version: 0, sgReview: true, at });
    }
    appendAudit(db, {
      actor: 'system:seed',
      action: 'catalogue.seeded',
      entity: 'catalogue',
      entityId: 'seed',
      afterDigest: digestRecord(
        store.keys.audit,
        services.map((service) => [service.code, service.fees]),
      ),
      at,
    });
    return services.length;
  });
}

function hostFees(service: MissionService, options: SeedCatalogueOptions): MissionService['fees'] {
  const host = options.hostCurrency ?? 'EUR';
  const xaf = service.fees.filter((fee) => fee.currency === 'XAF');
  const seeded = service.fees.filter((fee) => fee.currency === host);
  if (host === 'XAF' || seeded.length > 0) return host === 'XAF' ? xaf : [...xaf, ...seeded];
  const amount = xaf[0]?.amountMinor;
  if (options.hostFeeFromXaf === undefined || amount === undefined) return xaf;
  return [...xaf, { amountMinor: options.hostFeeFromXaf(amount), currency: host }];
}
