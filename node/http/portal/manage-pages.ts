import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { Caller } from '../../services/appointments/changes.js';
import { phoneSchema } from '../../services/people/person-schema.js';
import { bookingAlert, bookingStatus } from './booking-errors.js';
import { serviceNamed } from './booking-pages.js';
import {
  EMPTY_FORM,
  type FieldMessages,
  type FormFields,
  type FormState,
  fieldErrors,
  formFields,
  textOf,
} from './form-values.js';
import { portalOf } from './page-context.js';
import { renderPage } from './page-render.js';
import { KIOSK_ACTOR, PORTAL_ACTOR, type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langOnly } from './query-schemas.js';
import { slotWeek } from './slot-week.js';

function ownerForm(region: CountryCode) {
  return z.object({ reference: z.string().trim().min(4).max(40), phone: phoneSchema(region) });
}

const OWNER_MESSAGES: FieldMessages = { reference: 'manage.err.reference', phone: 'form.errPhone' };

/**
 * Managing a booking: its reference and the phone given when booking, then cancel it or move it to
 * another slot. The phone travels only in POST bodies; the domain checks it on every change.
 */
export async function managePages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { appointments } = deps.domain;
  const owner = ownerForm(deps.config.region as CountryCode);
  const caller = (request: FastifyRequest): Caller => ({
    actor: portalOf(request).kiosk ? KIOSK_ACTOR : PORTAL_ACTOR,
    staff: false,
  });
  const post = {
    schema: { hide: true },
    preHandler: app.csrfProtection,
    config: perMinute(deps.limits.change),
  };

  pages.get(PORTAL_PATHS.manage, { schema: { hide: true, querystring: langOnly } }, async (request, reply) =>
    showManage(request, reply, EMPTY_FORM),
  );
  // The change forms post to their own paths; a visitor who opens one of them lands on the start.
  for (const path of [PORTAL_PATHS.cancel, PORTAL_PATHS.reschedule]) {
    pages.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply.redirect(PORTAL_PATHS.manage, 303),
    );
  }

  pages.post(PORTAL_PATHS.manage, post, async (request, reply) => {
    const values = formFields(request.body);
    const parsed = owner.safeParse(values);
    if (!parsed.success)
      return showManage(request, reply, { values, errors: fieldErrors(parsed.error, OWNER_MESSAGES) }, 400);
    const view = appointments.get(parsed.data.reference);
    if (!view) return showManage(request, reply, { values, errors: {}, alert: 'manage.err.notFound' }, 404);
    const service = serviceNamed(deps, request, view.serviceCode);
    return renderPage(
      request,
      reply,
      deps.site,
      {
        view: 'manage-booking',
        title: 'manage.title',
        data: { booking: view, service, reference: view.reference, phone: textOf(values, 'phone') },
      },
      { form: true, langPath: PORTAL_PATHS.manage },
    );
  });

  pages.post(PORTAL_PATHS.cancel, post, async (request, reply) => {
    const values = formFields(request.body);
    const parsed = owner.safeParse(values);
    if (!parsed.success)
      return showManage(request, reply, { values, errors: fieldErrors(parsed.error, OWNER_MESSAGES) }, 400);
    try {
      const view = appointments.cancel(parsed.data, caller(request));
      return reply.redirect(PORTAL_PATHS.bookingDone(view.reference), 303);
    } catch (error) {
      return refused(request, reply, values, error);
    }
  });

  pages.post(PORTAL_PATHS.reschedule, post, async (request, reply) => {
    const values = formFields(request.body);
    const parsed = owner.safeParse(values);
    if (!parsed.success)
      return showManage(request, reply, { values, errors: fieldErrors(parsed.error, OWNER_MESSAGES) }, 400);
    const slotStart = textOf(values, 'creneau');
    // A week button pages through the slots, even when a slot of this week was ticked first.
    const isPaging = textOf(values, 'semaine') !== '';
    if (isPaging || !z.iso.datetime().safeParse(slotStart).success) return chooseSlot(request, reply, values);
    try {
      const view = appointments.reschedule({ ...parsed.data, slotStart }, caller(request));
      return reply.redirect(PORTAL_PATHS.bookingDone(view.reference), 303);
    } catch (error) {
      return refused(request, reply, values, error);
    }
  });

  function chooseSlot(request: FastifyRequest, reply: FastifyReply, values: FormFields) {
    const view = appointments.get(textOf(values, 'reference'));
    if (!view) return showManage(request, reply, { values, errors: {}, alert: 'manage.err.notFound' }, 404);
    const week = slotWeek(appointments, {
      serviceCode: view.serviceCode,
      zone: deps.config.timeZone,
      now: deps.now(),
      requested: textOf(values, 'semaine') || undefined,
    });
    const service = serviceNamed(deps, request, view.serviceCode);
    return renderPage(
      request,
      reply,
      deps.site,
      {
        view: 'manage-slots',
        title: 'manage.moveTitle',
        data: { booking: view, service, week, reference: view.reference, phone: textOf(values, 'phone') },
      },
      { form: true, langPath: PORTAL_PATHS.manage },
    );
  }

  function refused(request: FastifyRequest, reply: FastifyReply, values: FormFields, error: unknown) {
    const alert = bookingAlert(error);
    if (alert === undefined) throw error;
    return showManage(request, reply, { values, errors: {}, alert }, bookingStatus(error));
  }

  function showManage(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'manage', title: 'manage.title', data: { form } },
      { form: true, status, langPath: PORTAL_PATHS.manage },
    );
  }
}
