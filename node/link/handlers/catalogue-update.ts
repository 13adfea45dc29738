import type { CatalogueUpdate } from '../../../protocol/index.js';
import { applyHubCatalogue } from '../../services/catalogue/hub-update.js';
import type { LinkContext } from '../link-context.js';

/**
 * Records a catalogue version and, when it is the newest, puts its services and fees in force;
 * an older or repeated version changes nothing. Runs inside the receiving transaction.
 */
export function applyCatalogueUpdate(ctx: LinkContext, update: CatalogueUpdate): void {
  applyHubCatalogue(ctx.store, update, new Date(ctx.now()).toISOString());
}
