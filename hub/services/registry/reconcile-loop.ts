import type { RegistryService } from './registry-service.js';

/** How often the hub looks for pending submissions: a mission's registration is answered in seconds. */
export const RECONCILE_EVERY_MS = 5_000;

/** A running reconciliation loop. */
export interface ReconcileLoop {
  /** Stops the loop and waits for the pass under way, if any. */
  stop(): Promise<void>;
}

/**
 * Runs a reconciliation of everything pending every `everyMs`, never two at once in this process
 * (other processes are excluded by the registry lock). A failed pass is reported and the next one
 * tries again: nothing is lost, submissions stay pending until decided.
 */
export function startReconcileLoop(
  registry: RegistryService,
  onFailure: (error: unknown) => void,
  everyMs = RECONCILE_EVERY_MS,
): ReconcileLoop {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = registry
      .reconcileAll()
      .then(() => undefined, onFailure)
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
