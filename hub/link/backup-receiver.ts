import {
  decodeChunkFrame,
  encodeAckFrame,
  type Identity,
  type PublicIdentity,
} from '../../protocol/index.js';
import type { Database } from '../db/database.js';
import { type BatchOutcome, storeChunks } from '../services/offsite/store-chunk.js';

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
  /** At most this many frames, and about this many bytes, are stored in one transaction. */
  readonly batchFrames?: number;
  readonly batchBytes?: number;
  readonly now?: () => Date;
}

/**
 * The hub's side of the backup topics: each mission's chunk frames stored in arrival order (missions
 * in parallel, and apart from the link's envelopes, which never wait behind a transfer). The frames
 * that arrive while a batch is being written make the next batch, one transaction each, and each
 * batch is acknowledged as soon as it is committed: the sender keeps a window of frames in flight
 * and sends more as acknowledgements free it, so writing and sending overlap.
 */
export class BackupReceiver {
  /** Frames taken and not yet stored, by mission. */
  private readonly waiting = new Map<string, Uint8Array[]>();
  /** The mission's loop storing its waiting frames, while one runs. */
  private readonly draining = new Map<string, Promise<void>>();

  constructor(private readonly options: BackupReceiverOptions) {}

  /** Takes one frame from `…/<missionId>/backup`; never throws. */
  take(missionId: string, frame: Uint8Array): void {
    const waiting = this.waiting.get(missionId) ?? [];
    waiting.push(frame);
    this.waiting.set(missionId, waiting);
    if (!this.draining.has(missionId)) this.draining.set(missionId, this.drain(missionId));
  }

  /** Waits for the frames taken to be stored and acknowledged. */
  async stop(): Promise<void> {
    while (this.draining.size > 0) await Promise.allSettled([...this.draining.values()]);
  }

  private async drain(missionId: string): Promise<void> {
    // The frames read from the socket in this turn of the event loop make the first batch, rather
    // than the first of them alone.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let batch = this.nextBatch(missionId); batch.length > 0; batch = this.nextBatch(missionId)) {
      try {
        await this.store(missionId, batch);
      } catch (error) {
        // Nothing of the batch was committed nor acknowledged: the node sends those chunks again
        // once their acknowledgement is overdue.
        this.options.onError?.(error as Error);
      }
    }
    this.draining.delete(missionId);
  }

  private nextBatch(missionId: string): Uint8Array[] {
    const waiting = this.waiting.get(missionId) ?? [];
    const maxFrames = this.options.batchFrames ?? 256;
    const maxBytes = this.options.batchBytes ?? 8 * 1024 * 1024;
    let count = 0;
    let bytes = 0;
    while (count < waiting.length && count < maxFrames && (count === 0 || bytes < maxBytes)) {
      bytes += waiting[count]?.length ?? 0;
      count += 1;
    }
    const batch = waiting.splice(0, count);
    if (waiting.length === 0) this.waiting.delete(missionId);
    return batch;
  }

  private async store(missionId: string, frames: readonly Uint8Array[]): Promise<void> {
    const chunks: Uint8Array[] = [];
    for (const frame of frames) {
      const chunk = decodeChunkFrame(frame);
      if (chunk) chunks.push(chunk);
      else this.options.onChunk?.(missionId, false, frame.length);
    }
    if (chunks.length === 0) return;
    const now = this.options.now?.() ?? new Date();
    const mission = this.options.keyOf(missionId);
    const sealer = mission ? { hub: this.options.hub, mission } : undefined;
    const outcome = await storeChunks(this.options.db, missionId, chunks, now, sealer);
    chunks.forEach((chunk, i) => {
      this.options.onChunk?.(missionId, outcome.verdicts[i]?.kept === true, chunk.length);
    });
    this.acknowledge(missionId, outcome);
  }

  /** The batch's acknowledgements, one frame per generation, then the statuses of the generations made whole. */
  private acknowledge(missionId: string, outcome: BatchOutcome): void {
    const byGeneration = new Map<number, Uint8Array[]>();
    for (const verdict of outcome.verdicts) {
      const generation = verdict.kept ? verdict.generation : verdict.ackGeneration;
      if (generation === undefined) continue;
      const addresses = byGeneration.get(generation) ?? [];
      addresses.push(verdict.address);
      byGeneration.set(generation, addresses);
    }
    // The acknowledgements before the status, so that the node sees every chunk taken first.
    for (const [generation, addresses] of byGeneration) {
      this.options.publishAck(missionId, encodeAckFrame(generation, addresses));
    }
    for (const { envelope } of outcome.completed) {
      if (envelope) this.options.publishDown(missionId, envelope);
    }
  }
}
