import type { Directive } from '../../../protocol/index.js';
import { createRollCallService, RollCallError } from '../../services/roll-calls/index.js';
import type { LinkContext } from '../link-context.js';

/**
 * Starts the roll-call a directive orders (PROTOCOL.md, "Crisis roll-calls"), in the receiving
 * transaction: the mission runs it locally from then on, hub or no hub. Once per directive id —
 * the service answers a directive delivered again with the roll-call it started. A directive that
 * arrives after the roll-call's end, or whose order the mission cannot run, is kept without one:
 * refusing it would block the channel behind it.
 */
export function startOrderedRollCall(ctx: LinkContext, directive: Directive): void {
  const order = directive.rollCall;
  if (order === undefined || Date.parse(order.endsAt) <= ctx.now()) return;
  const rollCalls = createRollCallService({ store: ctx.store, now: () => new Date(ctx.now()) });
  try {
    rollCalls.start(
      { title: order.title, message: order.message, zone: order.zone, endsAt: order.endsAt },
      {
        actor: `hub:${directive.issuedBy}`,
        directiveId: directive.directiveId,
        needHelpList: order.needHelpList,
      },
    );
  } catch (error) {
    // Its own savepoint is undone; the directive is still stored and acknowledged by the consul.
    if (!(error instanceof RollCallError)) throw error;
  }
}
