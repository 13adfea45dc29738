import { MESSAGE_KEYS, type MessageKey } from './catalogues.js';

/**
 * Sango messages a native speaker has reviewed and approved. Every other Sango message is a first
 * draft: a reviewer works through {@link sangoAwaitingReview} and adds each approved key here (the
 * services' own Sango texts are tracked in the catalogue's `sg_review` flag).
 */
export const SANGO_REVIEWED: ReadonlySet<MessageKey> = new Set<MessageKey>([]);

/** The Sango messages still awaiting a native speaker's review, in catalogue order. */
export function sangoAwaitingReview(): MessageKey[] {
  return MESSAGE_KEYS.filter((key) => !SANGO_REVIEWED.has(key));
}
