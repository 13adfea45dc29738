import type { EventKind, MissionEvent } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/**
 * A roll-call's event of one kind still in the outbox and not in any envelope (outbox_pending
 * index): the link seals in one transaction (read the outbox, move `sealed_outbox_seq`), and so do
 * the writers here, so the two never see each other half done.
 */
export const UNSEALED_ROLL_CALL_EVENT = `kind = ? AND entity = ? AND entity_id = ? AND delivered_at IS NULL
  AND seq > (SELECT coalesce(max(sealed_outbox_seq), 0) FROM link_channel)`;

/**
 * Writes a roll-call's event of a kind in place of the one of that kind not yet sealed, if any: a
 * roll-call has at most one of each kind waiting, the newest. An event already sealed is never
 * touched: the envelope holding it is kept byte for byte until acknowledged. Inside a transaction.
 */
export function replaceUnsealedEvent(
  store: Store,
  kind: EventKind,
  rollCallId: string,
  data: MissionEvent['data'],
  at: string,
): void {
  store.db
    .prepare(`DELETE FROM outbox WHERE ${UNSEALED_ROLL_CALL_EVENT}`)
    .run(kind, ROLL_CALL_ENTITY, rollCallId);
  appendEvent(store, newEvent({ kind, entity: ROLL_CALL_ENTITY, entityId: rollCallId, at, data }));
}
