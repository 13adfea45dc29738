import { durable } from '../db/commit-group.js';
import type { Store } from '../db/store.js';
import { type DueSms, dueSms, markSmsFailed, markSmsSent } from '../services/outbox/sms-outbox.js';
import { failureScope, type SmsGateway } from './sms-gateways.js';

/** Delay before the next attempt: 30 s doubling per failure, at most an hour. */
export function smsRetryDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.min(attempts, 10));
}

/** SMS handed over per pass: a pass is short, and after a full one the next follows at once. */
export const SMS_DISPATCH_BATCH = 50;

/**
 * Sends what is due in the outbox's order (codes first, roll-call SMS last, oldest first within
 * each: `dueSms`), one at a time, recording each outcome. Returns how many were
 * sent. A failure of the gateway itself (unreachable, timeout, 5xx) ends the pass: the SMS behind
 * would fare no better, and a down gateway is tried once per pass rather than once per SMS.
 *
 * Delivery is at least once: the outbox records "sent" after the gateway's 2xx, so a crash between
 * the two, or an answer lost after the gateway sent the SMS, leads to a second hand-over. That one
 * carries the same idempotency key, which a deduplicating gateway uses to send it only once.
 */
export async function dispatchDueSms(
  store: Store,
  gateway: SmsGateway,
  now: () => Date = () => new Date(),
): Promise<number> {
  let sent = 0;
  const due = dueSms(store, now(), SMS_DISPATCH_BATCH);
  // A booking's code may be read here before its commit is on disk (the commit group flushes the
  // WAL after answering nobody yet): an SMS must not name a booking that a power cut then undoes.
  await durable(store.db);
  for (const sms of due) {
    const { failure, providerId } = await handOver(gateway, sms);
    if (failure === undefined) {
      markSmsSent(store, sms.id, now(), providerId);
      sent++;
      continue;
    }
    const retryAt = new Date(now().getTime() + smsRetryDelayMs(sms.attempts));
    markSmsFailed(store, sms.id, messageOf(failure), retryAt);
    if (failureScope(failure) === 'gateway') break;
  }
  return sent;
}

async function handOver(
  gateway: SmsGateway,
  sms: DueSms,
): Promise<{ failure?: unknown; providerId?: string }> {
  try {
    const accepted = await gateway.send({ to: sms.to, text: sms.text, key: sms.key });
    return { providerId: accepted ? accepted.providerId : undefined };
  } catch (error) {
    return { failure: error ?? new Error('gateway failed') };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'gateway failed';
}

/** Options of {@link startSmsDispatcher}. */
export interface SmsDispatcherOptions {
  /** Between passes (default 2 s). */
  readonly intervalMs?: number;
  readonly now?: () => Date;
  /** Told of a pass that failed (the database, not the gateway: those are recorded per SMS). */
  readonly onError?: (error: unknown) => void;
}

/** A running dispatcher. */
export interface RunningSmsDispatcher {
  /** Runs a pass now unless one is running. */
  kick(): void;
  /** Stops the timer and resolves once the pass in progress, if any, has recorded its outcome. */
  stop(): Promise<void>;
}

/** Runs the dispatcher every `intervalMs` until stopped; one pass at a time. */
export function startSmsDispatcher(
  store: Store,
  gateway: SmsGateway,
  options: SmsDispatcherOptions = {},
): RunningSmsDispatcher {
  let current: Promise<void> | undefined;
  let stopped = false;
  const pass = () => {
    current ??= dispatchDueSms(store, gateway, options.now)
      .then(
        (sent) => sent,
        (error: unknown) => {
          options.onError?.(error);
          return 0;
        },
      )
      .then((sent) => {
        current = undefined;
        // A full batch went: more may be due (a roll-call queues thousands). The next pass follows
        // at once rather than at the next tick, so the gateway, not the interval, sets the pace
        // (the SMPP adapter holds to the account's rate; an HTTP gateway's 429 ends a pass).
        if (sent === SMS_DISPATCH_BATCH && !stopped) pass();
      });
  };
  const timer = setInterval(pass, options.intervalMs ?? 2000);
  timer.unref();
  return {
    kick: pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (current) await current;
    },
  };
}
