import { randomUUID } from 'node:crypto';
import { immediateTransaction } from '../../db/transaction.js';
import { PaymentError, PaymentErrorCode } from './errors.js';
import { mustGetInvoice } from './invoices.js';
import type { PaymentContext } from './payment-context.js';
import { type CheckoutInput, checkoutSchema } from './payment-schema.js';
import type { CheckoutSession, PaymentProvider, PendingCheckout } from './provider.js';
import { ProviderCallError } from './providers/provider-call-error.js';

/** A checkout opened for an invoice: where to send the applicant. */
export interface StartedCheckout {
  readonly checkoutId: string;
  readonly provider: string;
  readonly providerRef: string;
  readonly redirectUrl: string;
}

// Starts under way, by store, invoice and provider: a second click waits for the first's answer.
const startsUnderWay = new WeakMap<PaymentContext['store'], Map<string, Promise<StartedCheckout>>>();

/**
 * Opens a checkout with a provider for the full amount of an open invoice, or gives back the one
 * already pending with that provider while the provider still takes payment on it: a double click,
 * a second tab or a retry never opens a second payment of one invoice. Concurrent starts share one
 * call to the provider.
 */
export async function startCheckout(ctx: PaymentContext, input: CheckoutInput): Promise<StartedCheckout> {
  const valid = checkoutSchema.parse(input);
  const provider = providerNamed(ctx, valid.provider);
  mustGetOpenInvoice(ctx, valid.invoiceId);
  const underWay = startsUnderWay.get(ctx.store) ?? new Map<string, Promise<StartedCheckout>>();
  startsUnderWay.set(ctx.store, underWay);
  const key = `${valid.invoiceId} ${provider.name}`;
  const running = underWay.get(key);
  if (running) return running;
  const start = resumeOrOpen(ctx, provider, valid).finally(() => underWay.delete(key));
  underWay.set(key, start);
  return start;
}

async function resumeOrOpen(
  ctx: PaymentContext,
  provider: PaymentProvider,
  valid: ReturnType<typeof checkoutSchema.parse>,
): Promise<StartedCheckout> {
  const pending = provider.resumeCheckout ? latestPending(ctx, valid.invoiceId, provider.name) : undefined;
  if (pending && provider.resumeCheckout) {
    const session = await provider.resumeCheckout(pending, ctx.now());
    if (session) return { checkoutId: pending.checkoutId, provider: provider.name, ...session };
  }
  return openCheckout(ctx, provider, valid);
}

function latestPending(
  ctx: PaymentContext,
  invoiceId: string,
  providerName: string,
): PendingCheckout | undefined {
  const row = ctx.store.db
    .prepare(
      `SELECT id, provider_ref AS providerRef, created_at AS createdAt FROM checkouts
       WHERE invoice_id = ? AND provider = ? AND state = 'pending' ORDER BY created_at DESC LIMIT 1`,
    )
    .get(invoiceId, providerName) as { id: string; providerRef: string; createdAt: string } | undefined;
  return row && { checkoutId: row.id, providerRef: row.providerRef, createdAt: new Date(row.createdAt) };
}

/**
 * The provider is asked first (a network call, outside any transaction); the checkout is recorded
 * after, once the invoice is checked open again, since it may have been paid at the counter meanwhile.
 */
async function openCheckout(
  ctx: PaymentContext,
  provider: PaymentProvider,
  valid: ReturnType<typeof checkoutSchema.parse>,
): Promise<StartedCheckout> {
  const invoice = mustGetOpenInvoice(ctx, valid.invoiceId);
  const checkoutId = randomUUID();
  const record = (providerRef: string) =>
    immediateTransaction(ctx.store.db, () => {
      mustGetOpenInvoice(ctx, invoice.id);
      ctx.store.db
        .prepare(
          `INSERT INTO checkouts (id, invoice_id, provider, provider_ref, amount_minor, currency, state, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
        )
        .run(
          checkoutId,
          invoice.id,
          provider.name,
          providerRef,
          invoice.totalMinor,
          invoice.currency,
          ctx.now().toISOString(),
        );
    });
  if (provider.referencesCheckoutId) record(checkoutId);
  let session: CheckoutSession;
  try {
    session = await provider.createCheckout({
      checkoutId,
      invoiceId: invoice.id,
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      description: `${invoice.serviceCode} ${invoice.id}`,
      ...(valid.returnUrl === undefined ? {} : { returnUrl: valid.returnUrl }),
      ...(valid.payerPhone === undefined ? {} : { payerPhone: valid.payerPhone }),
    });
  } catch (error) {
    if (provider.referencesCheckoutId && isRefusedBeforeAcceptance(error))
      ctx.store.db.prepare("DELETE FROM checkouts WHERE id = ? AND state = 'pending'").run(checkoutId);
    throw error;
  }
  if (!provider.referencesCheckoutId) record(session.providerRef);
  return { checkoutId, provider: provider.name, ...session };
}

// Refused for sure (our own check, or the provider's 4xx answer): nothing can have been taken. A
// lost answer, a timeout or a 5xx may hide an accepted request: its checkout stays for the poll.
function isRefusedBeforeAcceptance(error: unknown): boolean {
  if (error instanceof PaymentError || error instanceof TypeError || error instanceof RangeError) return true;
  return error instanceof ProviderCallError && error.status !== undefined && error.status < 500;
}

/** The provider of that name, or a PaymentError unknown_provider. */
export function providerNamed(ctx: PaymentContext, name: string): PaymentProvider {
  const provider = ctx.providers.get(name);
  if (!provider) throw new PaymentError(PaymentErrorCode.UnknownProvider, `no payment provider ${name}`);
  return provider;
}

function mustGetOpenInvoice(ctx: PaymentContext, invoiceId: string) {
  const invoice = mustGetInvoice(ctx, invoiceId);
  if (invoice.state !== 'open')
    throw new PaymentError(PaymentErrorCode.InvoiceNotOpen, `the invoice is ${invoice.state}`);
  return invoice;
}
