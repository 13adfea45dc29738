import { Worker } from 'node:worker_threads';

/** argon2id hashing and verification, off the event loop. */
export interface PasswordHasher {
  /** An argon2id string (`$argon2id$v=19$…`) with a fresh salt, at libsodium's INTERACTIVE limits. */
  hash(password: string): Promise<string>;
  /** Whether the password matches; a malformed hash never matches. */
  verify(hash: string, password: string): Promise<boolean>;
  /** Stops the workers; pending work is refused. */
  close(): Promise<void>;
}

type Task = { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string };
interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}
interface Lane {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}
interface Reply {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

const WORKER_URL = new URL('./password-worker.mjs', import.meta.url);

/**
 * Starts `size` worker threads (two by default: logins keep flowing on a 2-core hub without
 * starving requests). A worker runs its tasks one at a time; tasks go to an idle one, else the least busy.
 * Idle workers do not keep the process alive.
 */
export function createPasswordHasher(size = 2): PasswordHasher {
  return new WorkerHasher(Math.max(1, size));
}

class WorkerHasher implements PasswordHasher {
  private readonly lanes: Lane[] = [];
  private nextId = 1;
  private closed = false;

  // Workers start on demand, and a crashed one is dropped rather than respawned: a worker that
  // cannot start (a missing module) then fails one login at a time instead of looping.
  constructor(private readonly size: number) {}

  hash(password: string): Promise<string> {
    return this.submit<string>({ op: 'hash', password });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.submit<boolean>({ op: 'verify', hash, password });
  }

  async close(): Promise<void> {
    this.closed = true;
    const lanes = this.lanes.splice(0);
    for (const lane of lanes) for (const task of lane.pending.values()) task.reject(new Error(CLOSED));
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }

  private submit<T>(task: Task): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) return reject(new Error(CLOSED));
      const lane = this.pickLane();
      const id = this.nextId++;
      lane.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      lane.worker.ref();
      lane.worker.postMessage({ id, ...task });
    });
  }

  private pickLane(): Lane {
    const idlest = this.lanes.reduce<Lane | undefined>(
      (a, b) => (a && a.pending.size <= b.pending.size ? a : b),
      undefined,
    );
    if (idlest !== undefined && (idlest.pending.size === 0 || this.lanes.length >= this.size)) return idlest;
    const lane = this.spawn();
    this.lanes.push(lane);
    return lane;
  }

  private spawn(): Lane {
    const lane: Lane = { worker: new Worker(WORKER_URL), pending: new Map() };
    lane.worker.unref();
    lane.worker.on('message', (reply: Reply) => settle(lane, reply));
    // A crashed worker (no memory for argon2id's 64 MiB) fails its own tasks and is dropped.
    lane.worker.on('error', (error) => this.drop(lane, error));
    lane.worker.on('exit', (code) => this.drop(lane, new Error(`password worker exited with code ${code}`)));
    return lane;
  }

  private drop(lane: Lane, error: Error): void {
    const index = this.lanes.indexOf(lane);
    if (index >= 0) this.lanes.splice(index, 1);
    for (const task of lane.pending.values()) task.reject(error);
    lane.pending.clear();
  }
}

const CLOSED = 'the password hasher is closed';

function settle(lane: Lane, reply: Reply): void {
  const task = lane.pending.get(reply.id);
  if (task === undefined) return;
  lane.pending.delete(reply.id);
  if (lane.pending.size === 0) lane.worker.unref();
  if (reply.error !== undefined) task.reject(new Error(reply.error));
  else task.resolve(reply.result);
}

let shared: PasswordHasher | undefined;

/** The process's shared hasher, started on first use; its idle workers never hold the process open. */
export function sharedPasswordHasher(): PasswordHasher {
  shared ??= createPasswordHasher();
  return shared;
}
