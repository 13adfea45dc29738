import { type RevocationListMessage, verifyRevocationList } from '../../../protocol/index.js';
import type { LinkContext } from '../link-context.js';

const SETTING = 'link.revocation_list'; // the same key trust-material.ts reads at start

/**
 * Verifies a revocation list against the pinned hub keys and, when newer, keeps it and puts it in
 * force. The envelope was already signed by the hub; the list carries its own signature so that
 * it can be handed on and checked anywhere.
 */
export function applyRevocationList(ctx: LinkContext, message: RevocationListMessage): void {
  const list = verifyRevocationList(message.list, ctx.hub);
  if (!list || !ctx.trust.applyRevocations(list.serial, list.entries)) return;
  ctx.store.db
    .prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(SETTING, JSON.stringify(list), new Date(ctx.now()).toISOString());
}
