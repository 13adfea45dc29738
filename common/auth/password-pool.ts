import { Worker } from 'node:worker_threads';

/** Result of checking a password against its stored hash. */
export interface PasswordCheck {
  readonly valid: boolean;
  /** The hash was made with other limits than today's: store a fresh one while the password is at hand. */
  readonly needsRehash: boolean;
}

/** argon2id hashing and verification, off the event loop. */
export interface PasswordHasher {
  /** An argon2id string (`$argon2id$v=19$…`) with a fresh salt, at the pool's limits. */
  hash(password: string): Promise<string>;
  /** Whether the password matches, and whether its hash is due an upgrade; a malformed hash never matches. */
  verify(hash: string, password: string): Promise<PasswordCheck>;
  /** Stops the workers; pending work is refused. */
  close(): Promise<void>;
}

/** Options of {@link createPasswordPool}. */
export interface PasswordPoolOptions {
  /** Worker threads, 2 when absent: logins keep flowing on a 2-core machine without starving requests. */
  readonly size?: number;
  /** argon2id limits; libsodium's INTERACTIVE (2 passes, 64 MiB) when absent. */
  readonly opsLimit?: number;
  readonly memLimit?: number;
}

type TaskInput = { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string };
interface Task {
  readonly id: number;
  readonly input: TaskInput;
  resolve(value: unknown): void;
  reject(error: Error): void;
}
interface Slot {
  worker: Worker;
  task?: Task;
}
interface Reply {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

const WORKER_URL = new URL('./password-worker.mjs', import.meta.url);

/**
 * Starts a small pool of worker threads that hash and verify passwords with argon2id. Idle
 * workers do not keep the process alive; busy ones do, until their answer is in. Options that are
 * not positive integers are a caller's bug: `TypeError`.
 */
export function createPasswordPool(options: PasswordPoolOptions = {}): PasswordHasher {
  for (const name of ['size', 'opsLimit', 'memLimit'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new TypeError(`${name} must be a positive integer`);
    }
  }
  return new PasswordPool(options);
}

const CLOSED = 'the password pool is closed';
const MAX_CRASHES_IN_A_ROW = 4;

class PasswordPool implements PasswordHasher {
  private readonly queue: Task[] = [];
  private readonly slots: Slot[] = [];
  private readonly workerData: { opsLimit?: number; memLimit?: number };
  private readonly size: number;
  private nextId = 1;
  private closed = false;
  // Workers that die before answering anything (a missing module, no memory for argon2id) would
  // otherwise be respawned forever: after a few in a row the pool gives up and says why.
  private crashesInARow = 0;
  private broken: Error | undefined;

  constructor(options: PasswordPoolOptions) {
    this.workerData = { opsLimit: options.opsLimit, memLimit: options.memLimit };
    this.size = options.size ?? 2;
  }

  hash(password: string): Promise<string> {
    return this.submit<string>({ op: 'hash', password });
  }

  verify(hash: string, password: string): Promise<PasswordCheck> {
    return this.submit<PasswordCheck>({ op: 'verify', hash, password });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error(CLOSED));
    for (const slot of this.slots) slot.task?.reject(new Error(CLOSED));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private submit<T>(input: TaskInput): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) return reject(new Error(CLOSED));
      if (this.broken) return reject(this.broken);
      this.queue.push({ id: this.nextId++, input, resolve: resolve as (value: unknown) => void, reject });
      // Workers start with the first password to check: an idle process (most of a mission's
      // night) does not carry argon2id threads and their memory.
      while (this.slots.length < this.size) this.slots.push(this.spawn());
      this.dispatch();
    });
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_URL, { workerData: this.workerData }) };
    slot.worker.on('message', (reply: Reply) => this.settle(slot, reply));
    // A crashed worker (out of memory, a libsodium abort) fails its task and is replaced.
    slot.worker.on('error', (error) => this.replace(slot, error));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, new Error(`password worker exited with code ${code}`));
    });
    // After the listeners: listening for messages refs the worker's port again, and an idle worker
    // of a pool nobody closes (the hub's shared one) would hold the process open at exit.
    slot.worker.unref();
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task !== undefined) continue;
      const task = this.queue.shift();
      if (task === undefined) return;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, ...task.input });
    }
  }

  private settle(slot: Slot, reply: Reply): void {
    const task = slot.task;
    if (task === undefined || task.id !== reply.id) return;
    slot.task = undefined;
    slot.worker.unref();
    this.crashesInARow = 0;
    if (reply.error !== undefined) task.reject(new Error(reply.error));
    else task.resolve(reply.result);
    this.dispatch();
  }

  private replace(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.task?.reject(error);
    this.slots.splice(index, 1);
    void slot.worker.terminate();
    if (this.closed) return;
    if (++this.crashesInARow > MAX_CRASHES_IN_A_ROW) {
      this.broken = new Error(`password workers keep failing: ${error.message}`, { cause: error });
      for (const task of this.queue.splice(0)) task.reject(this.broken);
      return;
    }
    this.slots.push(this.spawn());
    this.dispatch();
  }
}
