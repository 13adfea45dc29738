import { randomUUID } from 'node:crypto';
import { immediateTransaction } from '../../db/transaction.js';
import { PaymentError, PaymentErrorCode } from './errors.js';
import { mustGetInvoice } from './invoices.js';
import type { PaymentContext } from './payment-context.js';
import { type CheckoutInput, checkoutSchema } from './payment-schema.js';
import type { PaymentProvider } from './provider.js';

/** A checkout opened for an invoice: where to send the applicant. */
export interface StartedCheckout {
  readonly checkoutId: string;
  readonly provider: string;
  readonly providerRef: string;
  readonly redirectUrl: string;
}

/**
 * Opens a checkout with a provider for the full amount of an open invoice. The provider is asked
 * first (a network call, outside any transaction); the checkout is recorded after, once the invoice
 * is checked open again, since it may have been paid at the counter meanwhile.
 */
export async function startCheckout(ctx: PaymentContext, input: CheckoutInput): Promise<StartedCheckout> {
  const valid = checkoutSchema.parse(input);
  const provider = providerNamed(ctx, valid.provider);
  const invoice = mustGetOpenInvoice(ctx, valid.invoiceId);
  const checkoutId = randomUUID();
  const session = await provider.createCheckout({
    checkoutId,
    invoiceId: invoice.id,
    amountMinor: invoice.totalMinor,
    currency: invoice.currency,
    description: `${invoice.serviceCode} ${invoice.id}`,
    ...(valid.returnUrl === undefined ? {} : { returnUrl: valid.returnUrl }),
  });
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
        session.providerRef,
        invoice.totalMinor,
        invoice.currency,
        ctx.now().toISOString(),
      );
  });
  return { checkoutId, provider: provider.name, ...session };
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
