import type { EventsRecovered } from '../../../protocol/index.js';
import { keepRecoveredEvents } from '../../services/recovery/recovered-events.js';
import type { LinkContext } from '../link-context.js';

/** Keeps the events the hub returned after a resync, for the staff to review (never merged blindly). */
export function applyEventsRecovered(ctx: LinkContext, body: EventsRecovered): void {
  keepRecoveredEvents(ctx.store, body.events, new Date(ctx.now()).toISOString());
}
