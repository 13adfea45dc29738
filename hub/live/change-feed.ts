import {
  DIRECTIVE_ACK,
  DIRECTIVE_RECEIPT,
  EVENTS_BATCH,
  HELLO,
  REGISTRY_SUBMISSION,
  STATS_SNAPSHOT,
} from '../../protocol/index.js';
import type { IngestOutcome } from '../ingest/ingest-types.js';

/** What changed at the hub, for the open dashboards: which mission, and which kind of figures. */
export interface ChangeNotice {
  readonly missionId: string;
  /** `events` (activity, files, money), `link` (presence, backlog), `directives`, `registry`. */
  readonly topic: ChangeTopic;
}

/** The kinds of figures a change touches. */
export type ChangeTopic = 'events' | 'link' | 'directives' | 'registry';

/** A listener; it must not throw (a throwing one is isolated from the others). */
export type ChangeListener = (notice: ChangeNotice) => void;

/** The in-process feed of committed changes: ingest publishes, open screens listen. */
export interface ChangeFeed {
  publish(notice: ChangeNotice): void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ChangeListener): () => void;
  readonly size: number;
}

/**
 * Which figures each message type from a mission touches once applied, besides the link figures
 * (last seen, backlog, presence) that every message taken moves: an unlisted type is `link`.
 */
const TOPIC_OF_MESSAGE: Readonly<Record<string, ChangeTopic>> = {
  [EVENTS_BATCH]: 'events',
  [STATS_SNAPSHOT]: 'link',
  [HELLO]: 'link',
  [DIRECTIVE_RECEIPT]: 'directives',
  [DIRECTIVE_ACK]: 'directives',
  [REGISTRY_SUBMISSION]: 'registry',
};

/** Creates a feed; one per hub process. */
export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  return {
    publish(notice) {
      for (const listener of listeners) {
        try {
          listener(notice);
        } catch {
          // A broken screen must not stop the others, nor the ingest that published.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
}

/**
 * The notice of an ingest outcome, or undefined when nothing the dashboards show changed. Called
 * after the ingest transaction committed, so a screen that reloads sees the change.
 */
export function noticeOfOutcome(outcome: IngestOutcome): ChangeNotice | undefined {
  if (outcome.status !== 'applied' && outcome.status !== 'control') return undefined;
  return { missionId: outcome.missionId, topic: TOPIC_OF_MESSAGE[outcome.messageType] ?? 'link' };
}
