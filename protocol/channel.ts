import type { ReceiveState } from './envelope.js';
import type { Header } from './header.js';

/**
 * What a receiver does with an envelope that open() accepted. A receiver keeps two numbers per
 * sender and nothing else (O(1) per channel): the highest sequence applied, and the timestamp of
 * the newest control message taken. open() has already refused anything at or below them.
 */
export type ChannelDecision =
  /** Apply the message and advance the channel in one transaction, then acknowledge. */
  | { action: 'apply'; advanceTo: number }
  /** A control message (seq 0): take it, remember its timestamp; never acknowledged. */
  | { action: 'control'; takenAt: number }
  /** A gap: drop the message and ask the sender to resend from the sequence expected. */
  | { action: 'resend'; from: number };

/** Decides, from the channel's state, what to do with an accepted message. */
export function decide(header: Header, appliedUpTo: number): ChannelDecision {
  if (header.seq === 0) return { action: 'control', takenAt: header.timestamp };
  const expected = appliedUpTo + 1;
  return header.seq === expected
    ? { action: 'apply', advanceTo: expected }
    : { action: 'resend', from: expected };
}

/** The state of one receiving channel. */
export interface ChannelPosition {
  appliedUpTo: number;
  lastControlAt: number;
}

/**
 * An in-memory receive state: the reference implementation that the node's SQLite inbox and the
 * hub's PostgreSQL ingest mirror with a row per channel, updated in the transaction that applies.
 */
export class MemoryReceiveState implements ReceiveState {
  private readonly positions = new Map<string, ChannelPosition>();

  appliedUpTo(from: string): number {
    return this.positions.get(from)?.appliedUpTo ?? 0;
  }

  lastControlAt(from: string): number {
    return this.positions.get(from)?.lastControlAt ?? 0;
  }

  /** Records the effect of a decision. */
  record(from: string, decision: ChannelDecision): void {
    const position = this.positions.get(from) ?? { appliedUpTo: 0, lastControlAt: 0 };
    if (decision.action === 'apply') position.appliedUpTo = decision.advanceTo;
    if (decision.action === 'control')
      position.lastControlAt = Math.max(position.lastControlAt, decision.takenAt);
    this.positions.set(from, position);
  }
}

/**
 * The sending side of a channel: numbers messages and keeps each sealed envelope until the peer
 * acknowledges it, so a resend request is answered with the very same bytes.
 */
export class MemorySendChannel {
  private nextSeq = 1;
  private readonly unacknowledged = new Map<number, Uint8Array>();
  private lastControlTimestamp = 0;

  /** The sequence the next sequenced message takes. */
  allocate(): number {
    return this.nextSeq++;
  }

  /** A control message's timestamp: strictly increasing, so the peer never drops a fresh one as stale. */
  controlTimestamp(now: number): number {
    this.lastControlTimestamp = Math.max(now, this.lastControlTimestamp + 1);
    return this.lastControlTimestamp;
  }

  /** Keeps a sealed envelope until it is acknowledged. */
  hold(seq: number, envelope: Uint8Array): void {
    this.unacknowledged.set(seq, envelope);
  }

  /** A cumulative acknowledgement: forget everything up to `upTo`. */
  acknowledge(upTo: number): void {
    for (const seq of this.unacknowledged.keys()) if (seq <= upTo) this.unacknowledged.delete(seq);
  }

  /** The envelopes to send again, in order, for a resend request. */
  resendFrom(from: number): Uint8Array[] {
    return [...this.unacknowledged.entries()]
      .filter(([seq]) => seq >= from)
      .sort(([a], [b]) => a - b)
      .map(([, envelope]) => envelope);
  }

  /** How many envelopes wait for an acknowledgement. */
  get pending(): number {
    return this.unacknowledged.size;
  }
}
