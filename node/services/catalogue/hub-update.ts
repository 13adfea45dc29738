import type { CatalogueUpdate } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { upsertService } from './catalogue-rows.js';

/** What {@link applyHubCatalogue} did. */
export type HubCatalogueOutcome = 'applied' | 'stale';

/**
 * Records a version of the ministry's catalogue and, when it is newer than every version seen,
 * makes it the catalogue in force: its services replace the ministry's fields (the mission's FAQ,
 * forms and overrides stay), and services it no longer lists are withdrawn. An older or repeated
 * version is kept for the record and changes nothing. Call it inside the receiving transaction.
 */
export function applyHubCatalogue(
  store: Store,
  update: CatalogueUpdate,
  receivedAt: string,
): HubCatalogueOutcome {
  const { db } = store;
  const { latest } = db.prepare('SELECT max(version) AS latest FROM catalogue_versions').get() as {
    latest: number | null;
  };
  db.prepare(
    'INSERT OR IGNORE INTO catalogue_versions (version, published_at, body, received_at) VALUES (?, ?, ?, ?)',
  ).run(update.version, update.publishedAt, JSON.stringify(update), receivedAt);
  if (latest !== null && update.version <= latest) return 'stale';
  const origin = { source: 'hub', version: update.version, sgReview: false, at: receivedAt } as const;
  for (const service of update.services) upsertService(db, service, origin);
  const listed = JSON.stringify(update.services.map((service) => service.code));
  db.prepare(
    'UPDATE services SET active = 0, updated_at = ? WHERE code NOT IN (SELECT value FROM json_each(?)) AND active = 1',
  ).run(receivedAt, listed);
  appendAudit(db, {
    actor: 'hub',
    action: 'catalogue.updated',
    entity: 'catalogue',
    entityId: String(update.version),
    afterDigest: digestRecord(store.keys.audit, update),
    at: receivedAt,
  });
  return 'applied';
}
