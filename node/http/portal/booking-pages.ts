import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { applicantSchema, bookingInputSchema } from '../../services/appointments/schemas.js';
import { bookingAlert, bookingStatus } from './booking-errors.js';
import { EMPTY_FORM, type FieldMessages, type FormState, fieldErrors, formFields } from './form-values.js';
import { portalOf } from './page-context.js';
import { PageNotFound } from './page-errors.js';
import { renderPage } from './page-render.js';
import { KIOSK_ACTOR, PORTAL_ACTOR, type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langParam, serviceCode } from './query-schemas.js';
import { slotWeek } from './slot-week.js';

const slotsQuery = z.strictObject({
  service: serviceCode,
  semaine: z.iso.date().optional(),
  lang: langParam,
});
const detailsQuery = z.strictObject({ service: serviceCode, creneau: z.iso.datetime(), lang: langParam });

/** The booking form's fields, checked with the appointment book's own rules. */
function detailsForm(region: CountryCode) {
  const booking = bookingInputSchema(region).shape;
  return z.strictObject({
    service: serviceCode,
    creneau: z.iso.datetime(),
    givenNames: applicantSchema.shape.givenNames,
    familyName: applicantSchema.shape.familyName,
    documentNumber: booking.documentNumber,
    phone: booking.phone,
  });
}

const DETAILS_MESSAGES: FieldMessages = {
  givenNames: 'form.required',
  familyName: 'form.required',
  documentNumber: 'form.errDocument',
  phone: 'form.errPhone',
  // A slot or service that no longer holds is said once, above the form, not beside a hidden field.
  service: 'booking.err.slotGone',
  creneau: 'booking.err.slotGone',
};

/** Booking, step by step: the service, a slot, the applicant's details (then the SMS code). */
export async function bookingPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { appointments, catalogue } = deps.domain;
  const form = detailsForm(deps.config.region as CountryCode);

  pages.get(PORTAL_PATHS.booking, { schema: { hide: true } }, async (request, reply) =>
    renderPage(request, reply, deps.site, {
      view: 'booking-services',
      title: 'booking.title',
      data: { services: catalogue.listServices(portalOf(request).lang) },
    }),
  );

  pages.get(
    PORTAL_PATHS.bookingSlots,
    { schema: { hide: true, querystring: slotsQuery } },
    async (request, reply) => {
      const service = serviceNamed(deps, request, request.query.service);
      const week = slotWeek(appointments, {
        serviceCode: service.code,
        zone: deps.config.timeZone,
        now: deps.now(),
        requested: request.query.semaine,
      });
      return renderPage(request, reply, deps.site, {
        view: 'booking-slots',
        title: 'booking.slotsTitle',
        data: { service, week },
      });
    },
  );

  pages.get(
    PORTAL_PATHS.bookingDetails,
    { schema: { hide: true, querystring: detailsQuery } },
    async (request, reply) => {
      const { service, creneau } = request.query;
      return showDetails(request, reply, { service, creneau, form: EMPTY_FORM });
    },
  );

  pages.post(
    PORTAL_PATHS.bookingDetails,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.booking) },
    async (request, reply) => {
      const values = formFields(request.body);
      const parsed = form.safeParse(values);
      const slot = { service: String(values.service ?? ''), creneau: String(values.creneau ?? '') };
      if (!parsed.success) {
        const {
          service: badService,
          creneau: badSlot,
          ...errors
        } = fieldErrors(parsed.error, DETAILS_MESSAGES);
        const alert = badService ?? badSlot;
        const state: FormState = alert ? { values, errors, alert } : { values, errors };
        return showDetails(request, reply, { ...slot, form: state }, 400);
      }
      const { service, creneau, givenNames, familyName, documentNumber, phone } = parsed.data;
      const input = {
        serviceCode: service,
        slotStart: creneau,
        applicant: { givenNames, familyName },
        phone,
        documentNumber,
        lang: portalOf(request).lang,
      };
      const actor = portalOf(request).kiosk ? KIOSK_ACTOR : PORTAL_ACTOR;
      try {
        const held = await appointments.bookDurably(input, actor);
        return reply.redirect(PORTAL_PATHS.bookingCode(held.reference), 303);
      } catch (error) {
        const alert = bookingAlert(error);
        if (alert === undefined) throw error;
        return showDetails(
          request,
          reply,
          { ...slot, form: { values, errors: {}, alert } },
          bookingStatus(error),
        );
      }
    },
  );

  function showDetails(
    request: FastifyRequest,
    reply: FastifyReply,
    step: { service: string; creneau: string; form: FormState },
    status = 200,
  ) {
    const service = serviceNamed(deps, request, step.service);
    return renderPage(
      request,
      reply,
      deps.site,
      {
        view: 'booking-details',
        title: 'booking.detailsTitle',
        data: { service, slotStart: isInstant(step.creneau) ? step.creneau : '', form: step.form },
      },
      { form: true, status },
    );
  }
}

/** The service of a booking step, in the reader's language; a 404 page when it is not offered. */
export function serviceNamed(deps: PortalPageDeps, request: FastifyRequest, code: string) {
  const service = deps.domain.catalogue.getService(code, portalOf(request).lang);
  if (!service?.active) throw new PageNotFound(`no service ${code} is offered`, 'error.unknownService');
  return service;
}

function isInstant(value: string): boolean {
  return z.iso.datetime().safeParse(value).success;
}
