import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppointmentView } from '../../services/appointments/appointments.js';
import { confirmInputSchema } from '../../services/appointments/schemas.js';
import { bookingAlert, bookingStatus } from './booking-errors.js';
import { serviceNamed } from './booking-pages.js';
import { EMPTY_FORM, type FormState, fieldErrors, formFields } from './form-values.js';
import { portalOf } from './page-context.js';
import { PageNotFound } from './page-errors.js';
import { renderPage } from './page-render.js';
import { KIOSK_ACTOR, PORTAL_ACTOR, type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langOnly, referenceParam } from './query-schemas.js';

const codeForm = z.strictObject({ code: confirmInputSchema.shape.code });

/** The SMS code step, and the booking's confirmation page (its reference, slot and state). */
export async function bookingCodePages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { appointments } = deps.domain;
  const booking = (reference: string): AppointmentView => {
    const view = appointments.get(reference);
    if (!view) throw new PageNotFound('no booking with this reference');
    return view;
  };
  const schema = { hide: true, params: referenceParam, querystring: langOnly };

  pages.get(PORTAL_PATHS.bookingCode(':reference'), { schema }, async (request, reply) => {
    const view = booking(request.params.reference);
    if (view.state === 'confirmed') return reply.redirect(PORTAL_PATHS.bookingDone(view.reference), 303);
    return showCode(request, reply, view, EMPTY_FORM);
  });

  pages.post(
    PORTAL_PATHS.bookingCode(':reference'),
    {
      schema: { hide: true, params: referenceParam },
      preHandler: app.csrfProtection,
      config: perMinute(deps.limits.confirm),
    },
    async (request, reply) => {
      const view = booking(request.params.reference);
      const values = formFields(request.body);
      const parsed = codeForm.safeParse({ code: (values.code ?? '').toString().replace(/\s/g, '') });
      if (!parsed.success) {
        return showCode(
          request,
          reply,
          view,
          { values, errors: fieldErrors(parsed.error, { code: 'booking.err.codeFormat' }) },
          400,
        );
      }
      const actor = portalOf(request).kiosk ? KIOSK_ACTOR : PORTAL_ACTOR;
      try {
        const input = { reference: view.reference, code: parsed.data.code };
        const confirmed = await appointments.confirmDurably(input, actor);
        return reply.redirect(PORTAL_PATHS.bookingDone(confirmed.reference), 303);
      } catch (error) {
        const alert = bookingAlert(error);
        if (alert === undefined) throw error;
        const form: FormState =
          alert === 'booking.err.wrongCode'
            ? { values, errors: { code: alert } }
            : { values: {}, errors: {}, alert };
        return showCode(request, reply, booking(view.reference), form, bookingStatus(error));
      }
    },
  );

  pages.get(PORTAL_PATHS.bookingDone(':reference'), { schema }, async (request, reply) => {
    const view = booking(request.params.reference);
    const service = serviceNamed(deps, request, view.serviceCode);
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'booking-done', title: 'booking.doneTitle', data: { booking: view, service } },
      { personal: true },
    );
  });

  function showCode(
    request: FastifyRequest,
    reply: FastifyReply,
    view: AppointmentView,
    form: FormState,
    status = 200,
  ) {
    const service = serviceNamed(deps, request, view.serviceCode);
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'booking-code', title: 'booking.codeTitle', data: { booking: view, service, form } },
      { form: view.state === 'held', status },
    );
  }
}
