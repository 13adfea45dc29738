import { z } from 'zod';

/** ISO 4217 code. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/);
/** A positive amount in integer minor units; no float ever reaches the database. */
export const amountMinorSchema = z.int().min(1).max(1_000_000_000_000);
const idSchema = z.string().min(1).max(80);
const cashboxSchema = z.string().regex(/^[A-Za-z0-9._:@-]{1,60}$/);
const serviceCodeSchema = z.string().regex(/^[A-Za-z0-9._-]{1,60}$/);

/** One fee line, as the caller took it from the catalogue. */
export const invoiceLineSchema = z.strictObject({
  /** Fee code; the service code when absent. */
  code: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,60}$/)
    .optional(),
  label: z.string().trim().min(1).max(200),
  unitMinor: z.int().min(0).max(1_000_000_000_000),
  quantity: z.int().min(1).max(1000).default(1),
  currency: currencySchema,
});

export const createInvoiceSchema = z.strictObject({
  serviceCode: serviceCodeSchema,
  fileId: idSchema.optional(),
  personId: idSchema.optional(),
  lines: z.array(invoiceLineSchema).min(1).max(50),
});
export type CreateInvoiceInput = z.input<typeof createInvoiceSchema>;

/** Cash at the counter: the amount taken is stated, and must be exactly the amount due. */
export const cashPaymentSchema = z.strictObject({
  invoiceId: idSchema,
  amountMinor: amountMinorSchema,
  currency: currencySchema,
  cashbox: cashboxSchema,
});
export type CashPaymentInput = z.input<typeof cashPaymentSchema>;

export const refundSchema = z
  .strictObject({
    paymentId: idSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    reason: z.string().trim().min(3).max(500),
    /** Cash out of a cashbox, or through the online provider that took the payment. */
    method: z.enum(['cash', 'provider']),
    cashbox: cashboxSchema.optional(),
  })
  .refine((refund) => (refund.method === 'cash') === (refund.cashbox !== undefined), {
    message: 'a cash refund names its cashbox, and only a cash refund does',
    path: ['cashbox'],
  });
export type RefundInput = z.input<typeof refundSchema>;

export const cashDaySchema = z.strictObject({
  businessDate: z.iso.date(),
  currency: currencySchema,
  cashbox: cashboxSchema,
});
export type CashDayInput = z.input<typeof cashDaySchema>;

export const closeCashDaySchema = cashDaySchema.extend({
  countedMinor: z.int().min(0).max(1_000_000_000_000),
  /** Required when the count differs from the expected amount. */
  note: z.string().trim().min(3).max(1000).optional(),
});
export type CloseCashDayInput = z.input<typeof closeCashDaySchema>;

export const closingsQuerySchema = z.strictObject({
  status: z.enum(['balanced', 'discrepancy']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.int().min(1).max(1000).default(100),
});
export type ClosingsQuery = z.input<typeof closingsQuerySchema>;

export const checkoutSchema = z.strictObject({
  invoiceId: idSchema,
  provider: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  returnUrl: z.url().max(500).optional(),
  /** The payer's phone, for mobile money (the provider asks it to approve); international or national form. */
  payerPhone: z.string().trim().min(3).max(30).optional(),
});
export type CheckoutInput = z.input<typeof checkoutSchema>;
