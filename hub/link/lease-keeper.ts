import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
import {
  announceProcess,
  claimLeases,
  fairShare,
  releaseLeases,
  renewLeases,
  retireProcess,
} from './ingest-leases.js';

/** What the keeper tells the link. */
export interface LeaseEvents {
  /** Missions now held: subscribe to their up topics, then greet them. */
  acquired(missionIds: readonly string[]): Promise<void>;
  /** Missions no longer held (taken over, or given back): unsubscribe, let their queue finish. */
  lost(missionIds: readonly string[]): Promise<void>;
  readonly onError?: (error: Error) => void;
}

/** How the keeper runs. */
export interface LeaseKeeperOptions {
  readonly leaseSeconds: number;
  readonly renewSeconds: number;
  /** Written beside the holder id in hub_processes. */
  readonly roles: readonly string[];
  /** False for a process without the ingest role: it says it is alive, and holds nothing. */
  readonly claims: boolean;
}

/**
 * Holds this process's share of the missions' up channels (hub/README.md, "Several hub
 * processes"): every `renewSeconds` it says it is alive, renews its leases, gives back what exceeds
 * its fair share and claims what it lacks from missions nobody holds. A process that dies stops
 * renewing; its leases run out after `leaseSeconds` and the survivors take them.
 */
export class LeaseKeeper {
  /** Random per process start: a restarted process is a new holder, never the dead one's heir. */
  readonly holder = `hub-${randomBytes(8).toString('hex')}`;
  private held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;
  private fleetStart: Date | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: LeaseKeeperOptions,
    private readonly events: LeaseEvents,
  ) {}

  /** Runs the first round (the process starts with its share), then one every renewSeconds. */
  async start(): Promise<void> {
    await this.runRound();
    this.timer = setInterval(() => {
      this.round = this.round.then(() => this.runRound());
    }, this.options.renewSeconds * 1000);
    this.timer.unref();
  }

  /** The missions held now. */
  holds(missionId: string): boolean {
    return this.held.has(missionId);
  }

  get missions(): readonly string[] {
    return [...this.held];
  }

  /** The earliest start among the live hub processes, once a round has run. */
  get fleetStartedAt(): Date | undefined {
    return this.fleetStart;
  }

  /** Stops renewing and gives every lease back, so the others take them at their next round. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    const mine = [...this.held];
    this.held.clear();
    await this.events.lost(mine);
    await retireProcess(this.db, this.holder);
  }

  private async runRound(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.renewAndBalance();
    } catch (error) {
      // The database away: the leases run out by themselves and the next round tries again.
      this.events.onError?.(error as Error);
    }
  }

  private async renewAndBalance(): Promise<void> {
    const { db, holder } = this;
    const ttl = this.options.leaseSeconds;
    await announceProcess(db, holder, this.options.roles, ttl);
    const renewed = new Set(this.options.claims ? await renewLeases(db, holder, ttl) : []);
    const gone = [...this.held].filter((missionId) => !renewed.has(missionId));
    this.held = renewed;
    if (gone.length > 0) await this.events.lost(gone);
    const { share, fleetStartedAt } = await fairShare(db);
    this.fleetStart = fleetStartedAt;
    if (!this.options.claims) return;
    if (renewed.size > share) {
      // Unsubscribed first and drained, then given back: nothing of ours is still being applied.
      const extra = [...renewed].slice(share);
      for (const missionId of extra) this.held.delete(missionId);
      await this.events.lost(extra);
      await releaseLeases(db, holder, extra);
      return;
    }
    const claimed = await claimLeases(db, holder, share - renewed.size, ttl);
    if (claimed.length === 0) return;
    for (const missionId of claimed) this.held.add(missionId);
    try {
      await this.events.acquired(claimed);
    } catch (error) {
      // Not subscribed (the broker went away meanwhile): given back, to be claimed again whole.
      for (const missionId of claimed) this.held.delete(missionId);
      await releaseLeases(db, holder, claimed);
      throw error;
    }
  }
}
