import type { OffsiteStatus } from '../../../protocol/index.js';
import { applyOffsiteStatus } from '../../backup/offsite/offsite-status.js';
import type { LinkContext } from '../link-context.js';

/**
 * Records the hub's answer to a manifest: the chunks to send (the sender, woken once the message
 * is committed, sends them), the generation stored, or refused.
 */
export function applyOffsiteStatusMessage(ctx: LinkContext, status: OffsiteStatus): void {
  applyOffsiteStatus(ctx.store.db, status, new Date(ctx.now()));
}
