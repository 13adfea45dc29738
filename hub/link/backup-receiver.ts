import {
  decodeChunkFrame,
  encodeAckFrame,
  type Identity,
  type PublicIdentity,
} from '../../protocol/index.js';
import type { Database } from '../db/database.js';
import { type ChunkOutcome, storeChunk } from '../services/offsite/store-chunk.js';

/** What the receiver needs from the link around it. */
export interface BackupReceiverOptions {
  readonly db: Database;
  readonly hub: Identity;
  /** The mission's key in force, to seal a `stored` status to. */
  readonly keyOf: (missionId: string) => PublicIdentity | undefined;
  /** Publishes an acknowledgement frame on the mission's backup-ack topic (QoS 1). */
  readonly publishAck: (missionId: string, frame: Uint8Array) => void;
  /** Publishes a sealed envelope held on the mission's channel (the link's publishDown). */
  readonly publishDown: (missionId: string, envelope: Uint8Array) => void;
  /** Told of each frame: kept (written) or dropped (not a chunk, or no pending generation lacks it). */
  readonly onChunk?: (missionId: string, kept: boolean, bytes: number) => void;
  readonly onError?: (error: Error) => void;
  /**
   * Acknowledgements go out when a mission's queue of frames empties, and meanwhile every `ackBatch`
   * chunks or `ackDelayMs`, whichever first.
   */
  readonly ackBatch?: number;
  readonly ackDelayMs?: number;
  readonly now?: () => Date;
}

/**
 * The hub's side of the backup topics: each mission's chunk frames stored in arrival order (missions
 * in parallel, and apart from the link's envelopes, which never wait behind a transfer), their
 * acknowledgements batched, and a generation made whole announced to its mission.
 */
export class BackupReceiver {
  private readonly queues = new Map<string, Promise<void>>();
  /** Acknowledgements not yet sent, by mission, then by generation. */
  private readonly acks = new Map<string, Map<number, Uint8Array[]>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: BackupReceiverOptions) {}

  /** Takes one frame from `…/<missionId>/backup`; never throws. */
  take(missionId: string, frame: Uint8Array): void {
    const previous = this.queues.get(missionId) ?? Promise.resolve();
    const next = previous
      .then(() => this.store(missionId, frame))
      .catch((error: unknown) => this.options.onError?.(error as Error));
    this.queues.set(missionId, next);
    void next.finally(() => {
      if (this.queues.get(missionId) !== next) return;
      this.queues.delete(missionId);
      // Nothing more of this mission waits: acknowledge now rather than at the timer. The sender
      // keeps a few frames in flight and waits for their acknowledgements before sending more, so a
      // batch held for its delay would pace the whole transfer (13 chunks a second, measured).
      this.flush(missionId);
    });
  }

  /** Waits for the frames being stored, then sends every acknowledgement still held. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
    for (const missionId of [...this.acks.keys()]) this.flush(missionId);
  }

  private async store(missionId: string, frame: Uint8Array): Promise<void> {
    const chunk = decodeChunkFrame(frame);
    if (!chunk) {
      this.options.onChunk?.(missionId, false, frame.length);
      return;
    }
    const now = this.options.now?.() ?? new Date();
    const mission = this.options.keyOf(missionId);
    const sealer = mission ? { hub: this.options.hub, mission } : undefined;
    const outcome = await storeChunk(this.options.db, missionId, chunk, now, sealer);
    this.options.onChunk?.(missionId, outcome.kept, chunk.length);
    this.acknowledge(missionId, outcome);
  }

  private acknowledge(missionId: string, outcome: ChunkOutcome): void {
    const generation = outcome.kept ? outcome.generation : outcome.ackGeneration;
    if (generation !== undefined) this.hold(missionId, generation, outcome.address);
    if (!outcome.kept || outcome.completed.length === 0) return;
    // The last acknowledgements before the status, so that the node sees every chunk taken first.
    this.flush(missionId);
    for (const { envelope } of outcome.completed) {
      if (envelope) this.options.publishDown(missionId, envelope);
    }
  }

  private hold(missionId: string, generation: number, address: Uint8Array): void {
    const byGeneration = this.acks.get(missionId) ?? new Map<number, Uint8Array[]>();
    this.acks.set(missionId, byGeneration);
    const addresses = byGeneration.get(generation) ?? [];
    addresses.push(address);
    byGeneration.set(generation, addresses);
    const held = [...byGeneration.values()].reduce((sum, list) => sum + list.length, 0);
    if (held >= (this.options.ackBatch ?? 64)) {
      this.flush(missionId);
      return;
    }
    if (!this.timers.has(missionId)) {
      const timer = setTimeout(() => this.flush(missionId), this.options.ackDelayMs ?? 500);
      timer.unref();
      this.timers.set(missionId, timer);
    }
  }

  private flush(missionId: string): void {
    clearTimeout(this.timers.get(missionId));
    this.timers.delete(missionId);
    const byGeneration = this.acks.get(missionId);
    this.acks.delete(missionId);
    for (const [generation, addresses] of byGeneration ?? []) {
      this.options.publishAck(missionId, encodeAckFrame(generation, addresses));
    }
  }
}
