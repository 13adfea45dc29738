import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StartedCheckout } from '../../services/payments/checkouts.js';
import { PaymentError, PaymentErrorCode } from '../../services/payments/errors.js';
import { ProviderCallError } from '../../services/payments/providers/provider-call-error.js';
import { accessFile } from './file-access.js';
import { EMPTY_FORM, type FormState, formFields } from './form-values.js';
import { portalOf } from './page-context.js';
import { PageNotFound } from './page-errors.js';
import { renderPage } from './page-render.js';
import { type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { allowProviderPages } from './provider-form-action.js';
import { langOnly } from './query-schemas.js';
import { simulatedCheckoutPages } from './simulated-checkout-pages.js';

const startForm = z.object({
  invoice: z.uuid(),
  /** Absent from the forms of an older page: the mission's first provider. */
  provider: z
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/)
    .optional(),
  /** The payer's mobile money number, for a provider that asks the payer's phone to approve. */
  phone: z.string().trim().max(30).optional(),
});

/** How often the waiting page asks again whether the payer approved. */
const WAITING_REFRESH_SECONDS = 5;

/** Providers whose payer approves on their phone: the portal asks the number first. */
const ASKS_PHONE = new Set(['momo']);
const LABELS: Readonly<Record<string, 'payment.payByCard' | 'payment.payByMomo'>> = {
  stripe: 'payment.payByCard',
  momo: 'payment.payByMomo',
};

/** One button per online provider the mission enabled, with its words and whether it asks a phone. */
export function payOptionsOf(providers: readonly string[]) {
  return providers.map((provider) => ({
    provider,
    label: LABELS[provider] ?? 'payment.payOnline',
    asksPhone: ASKS_PHONE.has(provider),
  }));
}
const invoiceParam = z.strictObject({ invoiceId: z.uuid() });

/**
 * Paying an invoice online: the file's tracking number and the applicant's secret list its
 * invoices; one is paid through the provider's page, which sends the applicant back to its receipt.
 */
export async function paymentPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { files, payments, catalogue } = deps.domain;
  const simulated = deps.domain.simulatedProvider;

  pages.get(PORTAL_PATHS.payment, { schema: { hide: true, querystring: langOnly } }, async (request, reply) =>
    showForm(request, reply, EMPTY_FORM),
  );
  pages.get(PORTAL_PATHS.paymentStart, { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect(PORTAL_PATHS.payment, 303),
  );

  pages.post(
    PORTAL_PATHS.payment,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.lookup) },
    async (request, reply) => {
      const access = accessFile(files, formFields(request.body), true);
      if (!access.ok) return showForm(request, reply, access.form, access.status);
      allowProviderPages(reply, payments.providerPageOrigins());
      return renderPage(
        request,
        reply,
        deps.site,
        {
          view: 'payment-invoices',
          title: 'payment.title',
          data: {
            file: access.view,
            invoices: payments.invoicesOfFile(access.fileId),
            payWith: payOptionsOf(payments.onlineProviders()),
          },
        },
        { form: true, personal: true },
      );
    },
  );

  pages.post(
    PORTAL_PATHS.paymentStart,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.checkout) },
    async (request, reply) => {
      const parsed = startForm.safeParse(formFields(request.body));
      if (!parsed.success) throw new PageNotFound('no such invoice');
      const { invoice: invoiceId, phone } = parsed.data;
      const provider = parsed.data.provider ?? payments.onlineProviders()[0];
      if (provider === undefined || !payments.onlineProviders().includes(provider))
        return unavailable(request, reply);
      // The provider's page sends the applicant back to the invoice's page on this portal.
      const returnUrl = `${publicOrigin(request)}${PORTAL_PATHS.paymentReturn(invoiceId)}`;
      let started: StartedCheckout;
      try {
        started = await payments.startCheckout({
          invoiceId,
          provider,
          returnUrl,
          ...(phone ? { payerPhone: phone } : {}),
        });
      } catch (error) {
        if (error instanceof PaymentError && error.code === PaymentErrorCode.InvalidPhone)
          return showForm(request, reply, { values: {}, errors: {}, alert: 'payment.invalidPhone' }, 422);
        if (!(error instanceof ProviderCallError)) throw error;
        request.log.warn({ err: error }, 'payment provider unavailable');
        return unavailable(request, reply);
      }
      if (provider !== simulated?.name) return reply.redirect(started.redirectUrl, 303);
      // The simulated provider has no pages of its own: the portal stands in for them.
      const next = new URLSearchParams({ ref: started.providerRef, facture: invoiceId });
      return reply.redirect(`${PORTAL_PATHS.paymentSimulation}?${next}`, 303);
    },
  );

  pages.get(
    PORTAL_PATHS.paymentReturn(':invoiceId'),
    { schema: { hide: true, params: invoiceParam, querystring: langOnly } },
    async (request, reply) => {
      const invoice = payments.getInvoice(request.params.invoiceId);
      if (!invoice) throw new PageNotFound('no such invoice');
      const receipts = payments.paymentsOfInvoice(invoice.id).map((payment) => payment.receiptNumber);
      const serviceName =
        catalogue.getService(invoice.serviceCode, portalOf(request).lang)?.name ?? invoice.serviceCode;
      return renderPage(
        request,
        reply,
        deps.site,
        { view: 'payment-return', title: 'payment.returnTitle', data: { invoice, receipts, serviceName } },
        { personal: true },
      );
    },
  );

  pages.get(
    PORTAL_PATHS.paymentWaiting(':checkoutId'),
    { schema: { hide: true, params: z.strictObject({ checkoutId: z.uuid() }), querystring: langOnly } },
    async (request, reply) => {
      const checkout = payments.getCheckout(request.params.checkoutId);
      if (!checkout) throw new PageNotFound('no such checkout');
      // Settled by MTN's notice or the polling job: the invoice's page says which way.
      if (checkout.state !== 'pending')
        return reply.redirect(PORTAL_PATHS.paymentReturn(checkout.invoiceId), 303);
      // No JavaScript: the browser asks again by itself (HTML's refresh, as a header).
      void reply.header('refresh', String(WAITING_REFRESH_SECONDS));
      return renderPage(
        request,
        reply,
        deps.site,
        {
          view: 'payment-waiting',
          title: 'payment.waitTitle',
          data: { checkout, refreshUrl: PORTAL_PATHS.paymentWaiting(checkout.id) },
        },
        { personal: true },
      );
    },
  );

  if (simulated) await app.register(simulatedCheckoutPages, { ...deps, provider: simulated });

  // The portal's address as configured (Stripe's return address, MoMo's public address), so the
  // Host a client sends never chooses where a provider's page leads; the request's own otherwise.
  function publicOrigin(request: FastifyRequest): string {
    const configured = deps.config.stripe?.returnUrl ?? deps.config.momo?.publicUrl;
    return configured === undefined ? `${request.protocol}://${request.host}` : new URL(configured).origin;
  }

  function unavailable(request: FastifyRequest, reply: FastifyReply) {
    return showForm(request, reply, { values: {}, errors: {}, alert: 'payment.unavailable' }, 503);
  }

  function showForm(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'payment', title: 'payment.title', data: { form } },
      { form: true, status },
    );
  }
}
