import type { Store } from '../db/store.js';
import type { SmsGateway } from './sms-gateways.js';
import { dueSms, markSmsFailed, markSmsSent } from './sms-outbox.js';

/** Delay before the next attempt: 30 s doubling per failure, at most an hour. */
export function smsRetryDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.min(attempts, 10));
}

/** Sends what is due, one at a time, recording each outcome. Returns how many were sent. */
export async function dispatchDueSms(
  store: Store,
  gateway: SmsGateway,
  now: () => Date = () => new Date(),
): Promise<number> {
  let sent = 0;
  for (const sms of dueSms(store, now(), 50)) {
    try {
      await gateway.send({ to: sms.to, text: sms.text });
      markSmsSent(store, sms.id, now());
      sent++;
    } catch (error) {
      const retryAt = new Date(now().getTime() + smsRetryDelayMs(sms.attempts));
      markSmsFailed(store, sms.id, (error as Error).message, retryAt);
    }
  }
  return sent;
}

/** Runs the dispatcher every `intervalMs` until stopped; one pass at a time. */
export function startSmsDispatcher(
  store: Store,
  gateway: SmsGateway,
  intervalMs = 2000,
): { stop(): void; kick(): void } {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      await dispatchDueSms(store, gateway);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), kick: () => void pass() };
}
