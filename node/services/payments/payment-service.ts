import type { Store } from '../../db/store.js';
import type { FileService } from '../files/file-service.js';
import type { PeopleRepository } from '../people/people-repository.js';
import {
  type CashDaySummary,
  cashDaySummary,
  closeCashDay,
  listClosings,
  unclosedCashDays,
} from './cash-closing.js';
import type { CashClosing } from './cash-closing-rows.js';
import { recordCashPayment } from './cash-payments.js';
import { type PollingRound, pollPendingCheckouts } from './checkout-polling.js';
import { providerNamed, type StartedCheckout, startCheckout } from './checkouts.js';
import { cancelInvoice, createInvoice } from './invoices.js';
import {
  type Invoice,
  type Payment,
  selectInvoice,
  selectInvoicesOfFile,
  selectPayment,
  selectPaymentsOfInvoice,
} from './money-rows.js';
import { applyNotice, type CheckoutRecord, type NoticeResult, selectCheckout } from './notices.js';
import { assertTimeZone, type PaymentContext } from './payment-context.js';
import type {
  CashDayInput,
  CashPaymentInput,
  CheckoutInput,
  CloseCashDayInput,
  ClosingsQuery,
  CreateInvoiceInput,
  RefundInput,
} from './payment-schema.js';
import type { PaymentProvider, ProviderRefund, WebhookRequest } from './provider.js';
import {
  type ProviderRefundSending,
  type Refund,
  recordRefund,
  selectCashRefundsOfDay,
  selectRefundsOfInvoice,
  sendProviderRefund,
  trySendProviderRefund,
} from './refunds.js';
import { type OnlineDayTotal, onlineDayTotals } from './settlements/online-day-totals.js';
import {
  importSettlement,
  type SettlementImportResult,
  type SettlementUpload,
} from './settlements/settlement-import.js';
import {
  listSettlementImports,
  type SettlementImport,
  type SettlementReport,
  settlementReport,
} from './settlements/settlement-views.js';
import { applyWebhook, type WebhookResult, webhookRejections } from './webhooks.js';

/** What the payments service needs. */
export interface PaymentServiceDeps {
  readonly store: Store;
  /** The mission's prefix of receipt numbers, 3 capital letters (`PAR`). */
  readonly receiptPrefix: string;
  /** The mission's IANA time zone (`Europe/Paris`): it decides a payment's day and year. */
  readonly timeZone: string;
  readonly files?: FileService;
  readonly people?: PeopleRepository;
  readonly providers?: readonly PaymentProvider[];
  readonly now?: () => Date;
}

/** The cash desk and online payments of a mission. */
export interface PaymentService {
  createInvoice(input: CreateInvoiceInput, actor: string): Invoice;
  cancelInvoice(invoiceId: string, actor: string): Invoice;
  getInvoice(invoiceId: string): Invoice | undefined;
  invoicesOfFile(fileId: string): Invoice[];
  recordCashPayment(input: CashPaymentInput, actor: string): Payment;
  getPayment(paymentId: string): Payment | undefined;
  paymentsOfInvoice(invoiceId: string): Payment[];
  recordRefund(input: RefundInput, actor: string): Refund;
  /** Sends a recorded `provider` refund through the provider's API; again after a failure, never twice. */
  sendProviderRefund(refundId: string): Promise<ProviderRefund>;
  /** The same, as an answer for the screens: sent, not sendable (cash, no refund API), or the provider's failure. */
  trySendProviderRefund(refundId: string): Promise<ProviderRefundSending>;
  refundsOfInvoice(invoiceId: string): Refund[];
  cashRefundsOfDay(day: { businessDate: string; currency: string; cashbox: string }): Refund[];
  cashDaySummary(input: CashDayInput): CashDaySummary;
  closeCashDay(input: CloseCashDayInput, actor: string): CashClosing;
  listClosings(query?: ClosingsQuery): CashClosing[];
  unclosedCashDays(): { businessDate: string; currency: string; cashbox: string }[];
  startCheckout(input: CheckoutInput): Promise<StartedCheckout>;
  /** The names of the online providers the mission enabled, in the order it lists them. */
  onlineProviders(): string[];
  /** Applies a webhook of the named provider (PaymentError unknown_provider when there is none). */
  applyWebhook(providerName: string, request: WebhookRequest): WebhookResult;
  webhookRejections(limit?: number): ReturnType<typeof webhookRejections>;
  /** An unsigned notice (MTN MoMo): authenticated by the checkout's secret, confirmed by asking the provider. */
  applyNotice(providerName: string, providerRef: string, secret: string): Promise<NoticeResult>;
  /** One round of the polling job: pending mobile money checkouts asked about, with backoff, or expired. */
  pollPendingCheckouts(): Promise<PollingRound>;
  getCheckout(checkoutId: string): CheckoutRecord | undefined;
  /** The origins of the enabled providers' hosted pages, for the portal's form-action. */
  providerPageOrigins(): string[];
  /** The providers whose settlement reports the node reads, in the order the mission lists them. */
  settlementProviders(): string[];
  /** Imports a provider's report (once per file); PaymentError settlement_malformed stores nothing. */
  importSettlement(upload: SettlementUpload, actor: string): SettlementImportResult;
  settlementReport(importId: string): SettlementReport | undefined;
  settlementImports(limit?: number): SettlementImport[];
  /** A day's online payments per provider and currency, beside what the reports settle. */
  onlineDayTotals(businessDate: string): OnlineDayTotal[];
}

/** Builds the payments service; throws a TypeError for an unknown time zone or a bad prefix. */
export function createPaymentService(deps: PaymentServiceDeps): PaymentService {
  assertTimeZone(deps.timeZone);
  if (!/^[A-Z]{3}$/.test(deps.receiptPrefix)) throw new TypeError('receipt prefix must be 3 capital letters');
  const ctx: PaymentContext = {
    store: deps.store,
    receiptPrefix: deps.receiptPrefix,
    timeZone: deps.timeZone,
    providers: new Map((deps.providers ?? []).map((provider) => [provider.name, provider])),
    now: deps.now ?? (() => new Date()),
    ...(deps.files ? { files: deps.files } : {}),
    ...(deps.people ? { people: deps.people } : {}),
  };
  return {
    createInvoice: (input, actor) => createInvoice(ctx, input, actor),
    cancelInvoice: (invoiceId, actor) => cancelInvoice(ctx, invoiceId, actor),
    getInvoice: (invoiceId) => selectInvoice(ctx.store, invoiceId),
    invoicesOfFile: (fileId) => selectInvoicesOfFile(ctx.store, fileId),
    recordCashPayment: (input, actor) => recordCashPayment(ctx, input, actor),
    getPayment: (paymentId) => selectPayment(ctx.store, paymentId),
    paymentsOfInvoice: (invoiceId) => selectPaymentsOfInvoice(ctx.store, invoiceId),
    recordRefund: (input, actor) => recordRefund(ctx, input, actor),
    sendProviderRefund: (refundId) => sendProviderRefund(ctx, refundId),
    trySendProviderRefund: (refundId) => trySendProviderRefund(ctx, refundId),
    refundsOfInvoice: (invoiceId) => selectRefundsOfInvoice(ctx.store, invoiceId),
    cashRefundsOfDay: (day) => selectCashRefundsOfDay(ctx.store, day),
    cashDaySummary: (input) => cashDaySummary(ctx, input),
    closeCashDay: (input, actor) => closeCashDay(ctx, input, actor),
    listClosings: (query) => listClosings(ctx, query),
    unclosedCashDays: () => unclosedCashDays(ctx),
    startCheckout: (input) => startCheckout(ctx, input),
    onlineProviders: () => [...ctx.providers.keys()],
    applyWebhook: (providerName, request) => applyWebhook(ctx, providerNamed(ctx, providerName), request),
    webhookRejections: (limit) => webhookRejections(ctx, limit),
    applyNotice: (providerName, providerRef, secret) => applyNotice(ctx, providerName, providerRef, secret),
    pollPendingCheckouts: () => pollPendingCheckouts(ctx),
    getCheckout: (checkoutId) => selectCheckout(ctx, checkoutId),
    providerPageOrigins: () => [...new Set([...ctx.providers.values()].flatMap((p) => p.pageOrigins ?? []))],
    settlementProviders: () =>
      [...ctx.providers.values()].filter((provider) => provider.settlementFormat).map((p) => p.name),
    importSettlement: (upload, actor) => importSettlement(ctx, upload, actor),
    settlementReport: (importId) => settlementReport(ctx, importId),
    settlementImports: (limit) => listSettlementImports(ctx, limit),
    onlineDayTotals: (businessDate) => onlineDayTotals(ctx, businessDate),
  };
}
