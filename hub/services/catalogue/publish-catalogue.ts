import { z } from 'zod';
import {
  CATALOGUE_UPDATE,
  type CatalogueUpdate,
  catalogueServiceSchema,
  type Identity,
  type TrustStore,
} from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';

/** A publication: the whole catalogue (a version replaces the previous one). */
export const cataloguePublicationSchema = z.strictObject({
  services: z.array(catalogueServiceSchema).min(1).max(500),
});

/**
 * Publishes a new version of the central catalogue and queues it, signed, for every enrolled
 * mission in one transaction. Returns the update and the envelopes to publish after commit.
 */
export async function publishCatalogue(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  input: z.input<typeof cataloguePublicationSchema>,
  publishedBy: string,
  now: Date,
): Promise<{ update: CatalogueUpdate; envelopes: { missionId: string; envelope: Uint8Array }[] }> {
  const { services } = cataloguePublicationSchema.parse(input);
  const codes = new Set(services.map((service) => service.code));
  if (codes.size !== services.length)
    throw Object.assign(new Error('a service code appears twice'), { code: 'invalid_request' });
  return db.transaction(async (tx) => {
    const version = (await latestVersion(tx)) + 1;
    const update: CatalogueUpdate = { version, publishedAt: now.toISOString(), services };
    await tx.query(
      'INSERT INTO catalogue_versions (version, services, published_by, published_at) VALUES ($1, $2::jsonb, $3, $4)',
      [version, JSON.stringify(services), publishedBy, now],
    );
    const missions = await tx.query<{ id: string }>(
      'SELECT id FROM missions WHERE revoked_at IS NULL ORDER BY id',
    );
    const envelopes: { missionId: string; envelope: Uint8Array }[] = [];
    for (const { id } of missions) {
      const recipient = trust.keysOf(id)[0]?.identity;
      if (!recipient) continue;
      const { envelope } = await sealAndHold(tx, hub, recipient, CATALOGUE_UPDATE, update, now.getTime());
      envelopes.push({ missionId: id, envelope });
    }
    return { update, envelopes };
  });
}

/** The catalogue in force, or undefined before the first publication. */
export async function currentCatalogue(db: Queryable): Promise<CatalogueUpdate | undefined> {
  const [row] = await db.query<{
    version: number;
    services: CatalogueUpdate['services'];
    published_at: Date;
  }>('SELECT version, services, published_at FROM catalogue_versions ORDER BY version DESC LIMIT 1');
  return row
    ? {
        version: Number(row.version),
        services: row.services,
        publishedAt: new Date(row.published_at).toISOString(),
      }
    : undefined;
}

async function latestVersion(db: Queryable): Promise<number> {
  const [row] = await db.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM catalogue_versions',
  );
  return Number(row?.version ?? 0);
}
