import type { Store } from '../../db/store.js';
import {
  type AcknowledgeOutcome,
  acknowledgeDirective,
  type InboxDirective,
  listDirectives,
} from './directives.js';

/** What the directives service needs. */
export interface DirectiveServiceDeps {
  readonly store: Store;
  readonly now?: () => Date;
}

/** The ministry's directives as the mission receives them, and the consul's acknowledgements. */
export interface DirectiveService {
  /** The inbox, unacknowledged first, then newest first. */
  list(): InboxDirective[];
  /**
   * Acknowledges a directive in `by`'s name: recorded, audited and queued for the hub in one
   * transaction. Refusals are outcomes (`not_found`, `already_acknowledged`), not throws.
   */
  acknowledge(input: { directiveId: string; by: string; comment?: string }): AcknowledgeOutcome;
}

/** Builds the directives service over a store. */
export function createDirectiveService(deps: DirectiveServiceDeps): DirectiveService {
  const { store } = deps;
  const clock = deps.now ?? (() => new Date());
  return {
    list: () => listDirectives(store),
    acknowledge: (input) => acknowledgeDirective(store, { ...input, at: clock() }),
  };
}
