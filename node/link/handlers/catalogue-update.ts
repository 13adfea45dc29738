import type { CatalogueUpdate } from '../../../protocol/index.js';
import type { LinkContext } from '../link-context.js';

/** Stores a catalogue version; an older or repeated version changes nothing. */
export function applyCatalogueUpdate(ctx: LinkContext, update: CatalogueUpdate): void {
  ctx.store.db
    .prepare(
      'INSERT OR IGNORE INTO catalogue_versions (version, published_at, body, received_at) VALUES (?, ?, ?, ?)',
    )
    .run(update.version, update.publishedAt, JSON.stringify(update), new Date(ctx.now()).toISOString());
}
