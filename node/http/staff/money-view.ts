import { formatMinorUnits } from '../../../common/money/index.js';
import { pickLanguage } from '../../services/catalogue/catalogue.js';
import type { Invoice, Payment } from '../../services/payments/money-rows.js';
import { missionTime } from './staff-clock.js';
import type { StaffHttpDeps } from './staff-deps.js';
import { StaffHttpError, StaffHttpErrorCode } from './staff-http-errors.js';

/** The cashbox used when the agent names none: one drawer per counter is the common case. */
export const DEFAULT_CASHBOX = 'guichet';

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
  const service = deps.domain.catalogue.requireActiveService(input.serviceCode);
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
  const { payments, people, files, catalogue } = deps.domain;
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
    serviceName: catalogue.getService(invoice.serviceCode, 'fr')?.name ?? invoice.serviceCode,
    lines: invoice.lines,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    amountText: formatMoney(payment.amountMinor, payment.currency),
    refundedMinor: payment.refundedMinor,
  };
}

/** An amount for people (`25 000 XAF`, `60,00 EUR`), from integer minor units, with ISO 4217's decimals. */
export function formatMoney(amountMinor: number, currency: string): string {
  return `${formatMinorUnits(amountMinor, currency, 'fr')} ${currency}`;
}
