import {
  backupTopic,
  CHUNK_FRAME_HEAD_BYTES,
  decodeAckFrame,
  type OffsiteManifest,
  toHex,
} from '../../../protocol/index.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import type { OffsiteBackups } from './offsite-service.js';
import { createSendWindow, OFFSITE_WINDOW } from './send-window.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

/**
 * Chunks read and sealed ahead of the one being published: enough that reading the next pieces from
 * disk overlaps the current one's sealing and publishing; at most this many pieces of 1 MiB held.
 */
const SEAL_AHEAD = 4;

/** What the sender needs from the node. */
export interface OffsiteSenderDeps {
  readonly offsite: OffsiteBackups;
  readonly missionId: string;
  /** Publishes at QoS 1 on the broker connection; resolves on the broker's PUBACK. */
  readonly publish: (topic: string, payload: Uint8Array) => Promise<void>;
  /** Queues the manifest as an up message on the link (offsite.manifest). */
  readonly sendManifest: (manifest: OffsiteManifest) => void;
  /** Live envelopes and events waiting for the link: while any do, chunks wait. */
  readonly liveBacklog: () => number;
  /**
   * Chunk frames published and not yet acknowledged by the hub: at most this many and, past the
   * first, about this many bytes, fixed. Without either, the window widens from OFFSITE_WINDOW to
   * OFFSITE_WINDOW_WIDEST while acknowledgements come back fast (send-window.ts).
   */
  readonly maxInFlight?: number;
  readonly maxInFlightBytes?: number;
  /** A frame unacknowledged this long is taken as lost and may go again. */
  readonly ackTimeoutMs?: number;
  /** Chunks read and sealed ahead of the one being published (at least 1). */
  readonly sealAhead?: number;
  /** How often to look again while the link is busy or the window full. */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
  /** A generation was given up (its source gone): it wants packing again. */
  readonly onAbandoned?: (generation: number) => void;
}

/** Sends the chunks of the generation being transferred, as the hub asks for them. */
export interface OffsiteSender {
  /** The broker connection is up (again): announce the manifest, then send what the hub names missing. */
  connected(): void;
  /** The connection is down: stop, and forget what was in flight (the hub will name it again). */
  disconnected(): void;
  /** A status was applied, or a generation packed: look for work. */
  wake(): void;
  /** A frame from the backup-ack topic. */
  onAckFrame(frame: Uint8Array): void;
  /** Announces the generation being sent, if any (after a pack). */
  announce(): void;
  /** Stops; resolves once the loop has ended. */
  stop(): Promise<void>;
}

/**
 * Chunks travel outside the link's channel (PROTOCOL.md, "Off-site backups"), paced by a token
 * bucket at the policy's rate, at most a window of them unacknowledged at a time, and only while no
 * live message waits. An acknowledged chunk is never published again: the service filters them out
 * of what it offers, and each is checked once more just before it goes, for an acknowledgement
 * or a `missing` answer (after a reconnection) that came while it was being sealed.
 */
export function createOffsiteSender(deps: OffsiteSenderDeps): OffsiteSender {
  const now = deps.now ?? Date.now;
  const fixed =
    deps.maxInFlight === undefined && deps.maxInFlightBytes === undefined
      ? undefined
      : {
          frames: deps.maxInFlight ?? OFFSITE_WINDOW.frames,
          bytes: deps.maxInFlightBytes ?? OFFSITE_WINDOW.bytes,
        };
  const window = fixed ? createSendWindow(fixed, fixed) : createSendWindow();
  const ackTimeoutMs = deps.ackTimeoutMs ?? 60_000;
  const pollMs = deps.pollMs ?? 250;
  const sealAhead = Math.max(1, deps.sealAhead ?? SEAL_AHEAD);
  const bucket: TokenBucket = createTokenBucket(
    () => deps.offsite.policy()?.maxBytesPerSecond ?? 65_536,
    now,
  );
  /** Unacknowledged chunks by address (hex): when each went, and its size. */
  const inFlight = new Map<string, { readonly at: number; readonly bytes: number }>();
  let bytesInFlight = 0;
  const windowFull = () => inFlight.size >= window.frames || bytesInFlight >= window.bytes;
  const forget = (hex: string) => {
    const frame = inFlight.get(hex);
    if (!frame) return;
    inFlight.delete(hex);
    bytesInFlight -= frame.bytes;
  };
  let online = false;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let nudge: (() => void) | undefined;

  const rest = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        nudge = undefined;
        resolve();
      }
      nudge = done;
    });

  const forgetLost = () => {
    for (const [hex, { at }] of inFlight) if (now() - at > ackTimeoutMs) forget(hex);
  };

  /** A chunk sealed ahead of its turn, or why it could not be. */
  type Sealed = { readonly frame: Uint8Array } | { readonly error: unknown };
  type Chunk = { readonly generation: number; readonly address: Uint8Array };
  const seal = (chunk: Chunk): Promise<Sealed> =>
    deps.offsite.chunkFrame(chunk.generation, chunk.address).then(
      (frame) => ({ frame }),
      (error: unknown) => ({ error }),
    );
  /**
   * The chunks to go next, in order, the first `sealAhead` of them being read and sealed. Kept while
   * the window is full or live messages wait, so that sealing goes on while the hub stores what is
   * in flight, and nothing sealed is thrown away (a window of 4 MiB holds only four scan pieces).
   */
  let queue: Array<{ readonly chunk: Chunk; sealed?: Promise<Sealed> }> = [];
  const sealFront = () => {
    for (const entry of queue.slice(0, sealAhead)) entry.sealed ??= seal(entry.chunk);
  };

  const publishOne = async (generation: number, address: Uint8Array, frame: Uint8Array) => {
    const hex = toHex(address);
    await bucket.take(frame.length);
    if (!online || stopped || inFlight.has(hex) || !deps.offsite.isWanted(generation, address)) return;
    inFlight.set(hex, { at: now(), bytes: frame.length });
    bytesInFlight += frame.length;
    deps.offsite.markSent(generation, frame.length - CHUNK_FRAME_HEAD_BYTES);
    deps.publish(backupTopic(deps.missionId), frame).catch(() => {
      // Not taken by the broker (the connection went): it may go again.
      forget(hex);
    });
  };

  const run = async () => {
    while (online && !stopped) {
      forgetLost();
      if (queue.length === 0) {
        queue = deps.offsite
          .nextChunksToSend(window.frames, new Set(inFlight.keys()))
          .map((chunk) => ({ chunk }));
        if (queue.length === 0) {
          if (inFlight.size === 0) return;
          await rest();
          continue;
        }
      }
      sealFront();
      if (deps.liveBacklog() > 0 || windowFull()) {
        await rest();
        continue;
      }
      const entry = queue.shift();
      if (!entry) continue;
      const sealed = await (entry.sealed ?? seal(entry.chunk));
      sealFront();
      const { chunk } = entry;
      try {
        if ('error' in sealed) throw sealed.error;
        await publishOne(chunk.generation, chunk.address, sealed.frame);
      } catch (error) {
        deps.onError?.(error);
        if (isSourceGone(error)) {
          // Superseded by a newer generation (nothing to do), or a scan purged before it went:
          // that generation can never complete, and the next one is packed without it.
          queue = [];
          if (deps.offsite.abandon(chunk.generation, OffsiteErrorCode.SourceGone))
            deps.onAbandoned?.(chunk.generation);
          continue;
        }
        await rest();
      }
    }
  };

  const start = () => {
    if (loop || !online || stopped) {
      nudge?.();
      return;
    }
    loop = run()
      .catch((error: unknown) => deps.onError?.(error))
      .finally(() => {
        loop = undefined;
      });
  };

  const announce = () => {
    const manifest = deps.offsite.manifestToSend();
    if (manifest) deps.sendManifest(manifest);
  };

  return {
    connected() {
      online = true;
      deps.offsite.forgetWanted();
      // The hub answers a manifest sent again with what it still lacks: that is the resumption.
      announce();
      start();
    },
    disconnected() {
      online = false;
      inFlight.clear();
      bytesInFlight = 0;
      window.narrow();
      // What was queued is named again, or not, by the hub's answer to the manifest sent again.
      queue = [];
      nudge?.();
    },
    wake: start,
    announce,
    onAckFrame(frame) {
      const ack = decodeAckFrame(frame);
      if (!ack) return;
      deps.offsite.markAcknowledged(ack.generation, ack.addresses);
      const at = now();
      for (const address of ack.addresses) {
        const hex = toHex(address);
        const sent = inFlight.get(hex);
        if (sent) window.acknowledged(sent.bytes, at - sent.at);
        forget(hex);
      }
      start();
    },
    async stop() {
      stopped = true;
      nudge?.();
      await loop;
    },
  };
}

function isSourceGone(error: unknown): boolean {
  return error instanceof OffsiteError && error.code === OffsiteErrorCode.SourceGone;
}
