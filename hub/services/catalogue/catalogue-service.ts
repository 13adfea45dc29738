import type { z } from 'zod';
import type { CatalogueUpdate, Identity, TrustStore } from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { type cataloguePublicationSchema, currentCatalogue, publishCatalogue } from './publish-catalogue.js';

/** What the catalogue service is built from. */
export interface CatalogueServiceOptions {
  readonly db: Database;
  readonly hub: Identity;
  readonly trust: TrustStore;
  /** Publishes a sealed envelope to a mission once committed (the hub's link). */
  readonly publish: (missionId: string, envelope: Uint8Array) => void;
  readonly now: () => Date;
}

/** A publication of the catalogue: the update and the missions it was queued for. */
export interface PublishedCatalogue {
  readonly update: CatalogueUpdate;
  readonly missions: string[];
}

/** The central catalogue of services and fees. */
export interface CatalogueService {
  /** The catalogue in force, or undefined before the first publication. */
  current(): Promise<CatalogueUpdate | undefined>;
  /** Publishes a new version to every enrolled mission, sent once committed. */
  publish(
    input: z.input<typeof cataloguePublicationSchema>,
    publishedBy: string,
  ): Promise<PublishedCatalogue>;
}

/** Wires the catalogue service. */
export function createCatalogueService(options: CatalogueServiceOptions): CatalogueService {
  const { db } = options;
  return {
    current: () => currentCatalogue(db),
    async publish(input, publishedBy) {
      const { update, envelopes } = await publishCatalogue(
        db,
        options.hub,
        options.trust,
        input,
        publishedBy,
        options.now(),
      );
      for (const { missionId, envelope } of envelopes) options.publish(missionId, envelope);
      return { update, missions: envelopes.map((e) => e.missionId) };
    },
  };
}
