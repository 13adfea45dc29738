import { getService, pickLanguage, requireActiveService } from '../../../services/catalogue/catalogue.js';
import type { Invoice, Payment } from '../../../services/payments/money-rows.js';
import { missionTime } from './staff-clock.js';
import type { StaffHttpDeps } from './staff-deps.js';
import { StaffHttpError, StaffHttpErrorCode } from './staff-http-errors.js';

/** What the counter asks for: an invoice of a service's fee, in the currency the applicant pays in. */
export interface FeeInvoiceInput {
  readonly serviceCode: string;
  readonly currency: string;
  readonly fileId?: string;
  readonly personId?: string;
}

/**
 * Invoices a service at the fee in force at this mission (the ministry's, or the mission's own
 * override), in one of its currencies. The amount is never typed by the agent: it comes from the
 * catalogue, so the counter cannot charge what the ministry did not set.
 */
export function invoiceFromCatalogue(deps: StaffHttpDeps, input: FeeInvoiceInput, actor: string): Invoice {
  const service = requireActiveService(deps.store, input.serviceCode);
  const fee = service.fees.find((candidate) => candidate.currency === input.currency);
  if (!fee) {
    const offered = service.fees.map((candidate) => candidate.currency).join(', ');
    throw new StaffHttpError(
      StaffHttpErrorCode.NoFeeInCurrency,
      `${service.code} is charged in ${offered}, not ${input.currency}`,
    );
  }
  return deps.domain.payments.createInvoice(
    {
      serviceCode: service.code,
      ...(input.fileId === undefined ? {} : { fileId: input.fileId }),
      ...(input.personId === undefined ? {} : { personId: input.personId }),
      lines: [
        { label: pickLanguage(service.name, 'fr'), unitMinor: fee.amountMinor, currency: fee.currency },
      ],
    },
    actor,
  );
}

/** Everything a printed receipt shows. */
export interface ReceiptData {
  readonly missionName: string;
  readonly receiptNumber: string;
  readonly paidAt: string;
  readonly businessDate: string;
  readonly cashier: string;
  readonly cashbox: string | null;
  readonly method: Payment['method'];
  readonly payer: string;
  readonly trackingNumber: string | null;
  readonly serviceName: string;
  readonly lines: Invoice['lines'];
  readonly amountMinor: number;
  readonly currency: string;
  readonly amountText: string;
  readonly refundedMinor: number;
}

/** The receipt of a payment, or undefined when there is no such payment. */
export function receiptData(deps: StaffHttpDeps, paymentId: string): ReceiptData | undefined {
  const { payments, people, files } = deps.domain;
  const payment = payments.getPayment(paymentId);
  const invoice = payment && payments.getInvoice(payment.invoiceId);
  if (!payment || !invoice) return undefined;
  const person = invoice.personId === null ? undefined : people.get(invoice.personId);
  const file = invoice.fileId === null ? undefined : files.get(invoice.fileId);
  return {
    missionName: deps.config.missionName,
    receiptNumber: payment.receiptNumber,
    paidAt: missionTime(deps, payment.recordedAt),
    businessDate: payment.businessDate,
    cashier: payment.recordedBy,
    cashbox: payment.cashbox,
    method: payment.method,
    payer: person ? `${person.givenNames} ${person.familyName}` : '',
    trackingNumber: file?.trackingNumber ?? null,
    serviceName: getService(deps.store, invoice.serviceCode, 'fr')?.name ?? invoice.serviceCode,
    lines: invoice.lines,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    amountText: formatMoney(payment.amountMinor, payment.currency),
    refundedMinor: payment.refundedMinor,
  };
}

/** An amount for people (`25 000 XAF`, `60,00 EUR`), from integer minor units, without floats. */
export function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const units = Math.trunc(abs / 10 ** digits);
  const grouped = String(units).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const minor = digits === 0 ? '' : `,${String(abs % 10 ** digits).padStart(digits, '0')}`;
  return `${sign}${grouped}${minor} ${currency}`;
}

// ISO 4217 exponents of the currencies a mission meets; two decimals otherwise.
const ZERO_DECIMAL = new Set(['XAF', 'XOF', 'JPY', 'KRW', 'RWF', 'GNF', 'KMF', 'DJF', 'UGX', 'BIF', 'CLP']);

/** Digits after the decimal point of a currency (ISO 4217 exponent). */
export function minorDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

/**
 * Reads an amount typed by a person (`60`, `60,50`, `60.5`, `25 000`) into integer minor units,
 * by string arithmetic (never through a float); undefined when it is not an amount.
 */
export function parseMajorAmount(text: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.replace(/[\s\u202f]/g, ''));
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}
