/**
 * Runs tasks one at a time, in call order. PGlite has one connection: two callers interleaving
 * statements would run inside each other's transaction, so every use of it goes through one queue.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The queue goes on whether the task succeeded or not; the caller sees its own outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
