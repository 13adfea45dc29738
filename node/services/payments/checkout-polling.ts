import type { Store } from '../../db/store.js';
import { type CheckoutRecord, confirmCheckout, expireCheckout } from './notices.js';
import type { PaymentContext } from './payment-context.js';
import type { PaymentProvider } from './provider.js';
import { ProviderCallError } from './providers/provider-call-error.js';

/** The first look at a checkout, after its creation: the payer needs a moment to approve. */
export const FIRST_LOOK_MS = 10_000;
/** Looks then come at twice the previous interval, up to this. */
export const MAX_LOOK_INTERVAL_MS = 5 * 60_000;

/** What one round of the polling job did. */
export interface PollingRound {
  readonly looked: number;
  readonly settled: number;
  readonly expired: number;
  /** Calls the provider refused or did not answer: looked at again at the next interval. */
  readonly failedCalls: number;
}

interface LookPlan {
  attempts: number;
  nextAt: number;
}

// When to look next at each checkout, by store. Lost on restart: each pending checkout older than
// the first look is then looked at at once, which is what a node back from a stop wants.
const plans = new WeakMap<Store, Map<string, LookPlan>>();

/**
 * Asks the provider about each checkout still pending with a provider that answers status queries
 * (mobile money), with a growing interval per checkout: a payment whose notice never came is
 * recorded from the provider's answer, through the webhooks' idempotent path. A checkout pending past
 * its provider's lifetime is looked at once more, then failed as expired.
 */
export async function pollPendingCheckouts(ctx: PaymentContext): Promise<PollingRound> {
  const planOf = plans.get(ctx.store) ?? new Map<string, LookPlan>();
  plans.set(ctx.store, planOf);
  const round = { looked: 0, settled: 0, expired: 0, failedCalls: 0, pending: 0 };
  for (const provider of ctx.providers.values()) {
    if (!provider.checkoutStatus) continue;
    for (const checkout of pendingOf(ctx, provider)) {
      const now = ctx.now().getTime();
      const plan = planOf.get(checkout.id) ?? {
        attempts: 0,
        nextAt: Date.parse(checkout.createdAt) + FIRST_LOOK_MS,
      };
      const isPastLifetime =
        provider.pendingLifetimeMs !== undefined &&
        now - Date.parse(checkout.createdAt) >= provider.pendingLifetimeMs;
      if (!isPastLifetime && now < plan.nextAt) continue;
      round.looked += 1;
      const outcome = await lookAt(ctx, provider, checkout, isPastLifetime);
      round[outcome] += 1;
      if (outcome === 'settled' || outcome === 'expired') {
        planOf.delete(checkout.id);
        continue;
      }
      plan.attempts += 1;
      plan.nextAt = now + Math.min(FIRST_LOOK_MS * 2 ** plan.attempts, MAX_LOOK_INTERVAL_MS);
      planOf.set(checkout.id, plan);
    }
  }
  const { pending: _stillPending, ...counts } = round;
  return counts;
}

async function lookAt(
  ctx: PaymentContext,
  provider: PaymentProvider,
  checkout: CheckoutRecord,
  isPastLifetime: boolean,
): Promise<'settled' | 'expired' | 'failedCalls' | 'pending'> {
  try {
    const result = await confirmCheckout(ctx, provider, checkout);
    // A final answer the node did not take (an amount that differs: left to the consul) keeps the
    // checkout pending: it is looked at as one, and expires with its lifetime.
    if (result.status !== 'pending' && !isStillPending(ctx, checkout.id)) return 'settled';
  } catch (error) {
    // Unreachable: nothing is known, so nothing expires; the next round asks again.
    if (error instanceof ProviderCallError) return 'failedCalls';
    throw error;
  }
  if (!isPastLifetime) return 'pending';
  expireCheckout(ctx, checkout);
  return 'expired';
}

function isStillPending(ctx: PaymentContext, checkoutId: string): boolean {
  const row = ctx.store.db.prepare('SELECT state FROM checkouts WHERE id = ?').get(checkoutId) as
    | { state: string }
    | undefined;
  return row?.state === 'pending';
}

function pendingOf(ctx: PaymentContext, provider: PaymentProvider): CheckoutRecord[] {
  return ctx.store.db
    .prepare(
      `SELECT id, invoice_id AS invoiceId, provider, provider_ref AS providerRef, amount_minor AS amountMinor,
         currency, state, created_at AS createdAt
       FROM checkouts WHERE provider = ? AND state = 'pending' ORDER BY created_at`,
    )
    .all(provider.name) as CheckoutRecord[];
}
