import { DIRECTIVE_ACK, DIRECTIVE_RECEIPT } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { lastRowNumber, readEventsAfter } from '../outbox/outbox.js';
import { readPendingAfter } from '../outbox/pending-messages.js';
import type { Change, ChangeListener } from './change.js';
import { changeOfEvent } from './change-of-event.js';
import { watchChanges } from './change-signal.js';

/** The committed changes of the mission, as they happen. */
export interface ChangeFeed {
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ChangeListener): () => void;
  /** How many listen (open agent screens). */
  readonly size: number;
  /** Stops following the outboxes. */
  close(): void;
}

const PAGE = 200;
/** How soon to look again while a transaction is open on the connection. */
const RETRY_MS = 5;

/**
 * Tells every listener of every committed change, once, whoever made it (a route, a job, a link
 * handler): it follows the outboxes that every change writes in its own transaction. A write rings
 * ({@link watchChanges}); the feed reads after the transaction has ended, so what was rolled back
 * is never told. With nobody listening it reads nothing; the first listener starts from the end.
 */
export function createChangeFeed(store: Store): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  let afterSeq = lastRowNumber(store, 'outbox');
  let afterPending = lastRowNumber(store, 'link_pending');
  // Cancels the look planned, if any.
  let cancel: (() => void) | undefined;
  let closed = false;

  const look = () => {
    cancel = undefined;
    if (closed) return;
    // Transactions are synchronous here, but a caller may hold one open across turns.
    if (store.db.inTransaction) {
      const timer = setTimeout(look, RETRY_MS);
      cancel = () => clearTimeout(timer);
      return;
    }
    if (listeners.size === 0) return;
    try {
      for (const change of readChanges()) tell(change);
    } catch {
      // A closed database (the node stopping) or an unreadable row: the screens miss a notice,
      // nothing else depends on it.
    }
  };

  const tell = (change: Change) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A broken screen must not stop the others.
      }
    }
  };

  const readChanges = (): Change[] => {
    const changes: Change[] = [];
    for (let page = readEventsAfter(store, afterSeq, PAGE); page.length > 0; ) {
      for (const item of page) changes.push(changeOfEvent(store, item.event));
      afterSeq = page.at(-1)?.seq ?? afterSeq;
      page = page.length < PAGE ? [] : readEventsAfter(store, afterSeq, PAGE);
    }
    for (let page = readPendingAfter(store, afterPending, PAGE); page.length > 0; ) {
      for (const message of page) {
        const change = directiveChange(message.type, message.body);
        if (change) changes.push(change);
      }
      afterPending = page.at(-1)?.id ?? afterPending;
      page = page.length < PAGE ? [] : readPendingAfter(store, afterPending, PAGE);
    }
    return changes;
  };

  // With nobody listening a commit costs nothing here: the position moves to the end when the
  // first listener comes.
  const stop = watchChanges(store.db, () => {
    if (cancel !== undefined || closed || listeners.size === 0) return;
    const immediate = setImmediate(look);
    cancel = () => clearImmediate(immediate);
  });
  return {
    subscribe(listener) {
      if (listeners.size === 0) {
        afterSeq = lastRowNumber(store, 'outbox');
        afterPending = lastRowNumber(store, 'link_pending');
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
    close() {
      closed = true;
      stop();
      cancel?.();
    },
  };
}

function directiveChange(type: string, body: unknown): Change | undefined {
  const { directiveId, receivedAt, acknowledgedAt } = body as {
    directiveId: string;
    receivedAt?: string;
    acknowledgedAt?: string;
  };
  if (type === DIRECTIVE_RECEIPT && receivedAt)
    return { type: 'directive.received', ref: directiveId, state: 'received', at: receivedAt };
  if (type === DIRECTIVE_ACK && acknowledgedAt)
    return { type: 'directive.acknowledged', ref: directiveId, state: 'acknowledged', at: acknowledgedAt };
  return undefined;
}
