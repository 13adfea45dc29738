import { CodedError } from '../../../common/errors/coded-error.js';
/** Why a money operation was refused. Stable codes: the HTTP layer maps them to statuses. */
export const PaymentErrorCode = {
  InvoiceNotFound: 'invoice_not_found',
  PaymentNotFound: 'payment_not_found',
  RefundNotFound: 'refund_not_found',
  /** The invoice names a file or person the node does not hold. */
  UnknownFile: 'unknown_file',
  UnknownPerson: 'unknown_person',
  /** Fee lines in more than one currency: an invoice has one currency. */
  MixedCurrencies: 'mixed_currencies',
  /** The invoice is already paid or cancelled. */
  InvoiceNotOpen: 'invoice_not_open',
  /** The amount is not the amount due: partial payments and overpayments are refused. */
  AmountMismatch: 'amount_mismatch',
  CurrencyMismatch: 'currency_mismatch',
  /** The cashbox's day is closed for this currency: no more cash can be recorded into it. */
  DayClosed: 'day_closed',
  AlreadyClosed: 'already_closed',
  /** The counted cash differs from the expected amount and no discrepancy note was given. */
  ClosingUnbalanced: 'closing_unbalanced',
  /** A day that has not begun in the mission's time zone cannot be closed. */
  FutureDay: 'future_day',
  /** The refunds of a payment would exceed what was paid. */
  RefundExceedsPayment: 'refund_exceeds_payment',
  /** A refund through the provider of a payment that was not made online. */
  RefundMethodNotPossible: 'refund_method_not_possible',
  UnknownProvider: 'unknown_provider',
  /** A mobile money payment without the payer's valid number. */
  InvalidPhone: 'invalid_phone',
  /** A settlement report that cannot be read: nothing of it is stored; the message says why, in French. */
  SettlementMalformed: 'settlement_malformed',
  /** A settlement report for a provider whose reports the node cannot read. */
  SettlementUnsupported: 'settlement_unsupported',
  SettlementNotFound: 'settlement_not_found',
} as const;

/** One of the codes of {@link PaymentErrorCode}. */
export type PaymentErrorCodeValue = (typeof PaymentErrorCode)[keyof typeof PaymentErrorCode];

/** HTTP status of each code, for the API's error handler. */
export const PAYMENT_ERROR_STATUS: Readonly<Record<PaymentErrorCodeValue, number>> = {
  invoice_not_found: 404,
  payment_not_found: 404,
  refund_not_found: 404,
  unknown_file: 422,
  unknown_person: 422,
  mixed_currencies: 422,
  invoice_not_open: 409,
  amount_mismatch: 422,
  currency_mismatch: 422,
  day_closed: 409,
  already_closed: 409,
  closing_unbalanced: 422,
  future_day: 422,
  refund_exceeds_payment: 422,
  refund_method_not_possible: 422,
  unknown_provider: 404,
  invalid_phone: 422,
  settlement_malformed: 422,
  settlement_unsupported: 422,
  settlement_not_found: 404,
};

/** A refusal of the payments service; `details` carries amounts the agent's screen shows. */
export class PaymentError extends CodedError<PaymentErrorCodeValue> {
  override readonly name = 'PaymentError';

  constructor(
    code: PaymentErrorCodeValue,
    message: string,
    readonly details?: Readonly<Record<string, number | string>>,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
