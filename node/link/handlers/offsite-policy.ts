import type { OffsitePolicy } from '../../../protocol/index.js';
import { applyOffsitePolicy } from '../../backup/offsite/offsite-status.js';
import type { LinkContext } from '../link-context.js';

/** Keeps the ministry's recovery key and the transfer's rate; the next nightly backup packs with them. */
export function applyOffsitePolicyMessage(ctx: LinkContext, policy: OffsitePolicy): void {
  applyOffsitePolicy(ctx.store.db, policy, new Date(ctx.now()));
}
