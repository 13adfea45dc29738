import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { ApiError } from '../../errors.js';
import {
  appointmentBodies,
  appointmentResponse,
  heldBookingResponse,
  referenceParams,
  toAppointmentResponse,
} from './appointment-schemas.js';
import { PUBLIC_ACTOR, type PublicRouteDeps, perMinute } from './deps.js';
import { errorResponses, noQuery } from './wire.js';

/**
 * `POST /appointments` (a place held, its code sent by SMS), `POST /appointments/:reference/confirm`
 * and `GET /appointments/:reference`.
 */
export async function bookingRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const bodies = appointmentBodies(deps.config.region as CountryCode);
  const { appointments } = deps.domain;

  api.post(
    '/appointments',
    {
      schema: {
        summary: 'Hold a place in a slot; a code is sent by SMS to confirm it',
        description:
          'The answer says nothing of the bookings the phone or the document already has: the limits ' +
          'per phone and per person are checked at confirmation, once the code has proved the phone. ' +
          '429 sms_limit: too many SMS went to this number, or to numbers of its range, in the last ' +
          'hour or day; nothing is held.',
        tags: ['appointments'],
        body: bodies.book,
        response: { 201: heldBookingResponse, ...errorResponses([404, 409, 422], { body: true }) },
      },
      config: perMinute(deps.limits.booking),
    },
    async (request, reply) => {
      // The body schema is the domain's own fields: what it parsed needs no second parse.
      const { service, ...rest } = request.body;
      const held = await appointments.bookCheckedDurably({ serviceCode: service, ...rest }, PUBLIC_ACTOR);
      return reply.status(201).send({
        reference: held.reference,
        service: held.serviceCode,
        slotStart: held.slotStart,
        slotEnd: held.slotEnd,
        heldUntil: held.holdExpiresAt,
      });
    },
  );

  api.post(
    '/appointments/:reference/confirm',
    {
      schema: {
        summary: 'Confirm a held booking with the code received by SMS',
        description:
          'With the right code, 429 phone_limit or person_limit when the phone, or the person on this ' +
          'phone, already has the most upcoming bookings allowed: the booking stays held until ' +
          'heldUntil, to be confirmed again once another is cancelled. 422 wrong_code, 429 ' +
          'too_many_attempts (the place is released), 410 hold_expired.',
        tags: ['appointments'],
        params: referenceParams,
        body: bodies.confirm,
        response: { 200: appointmentResponse, ...errorResponses([404, 409, 410, 422], { body: true }) },
      },
      config: perMinute(deps.limits.confirm),
    },
    async (request) => {
      const input = { reference: request.params.reference, code: request.body.code };
      const confirmed = await appointments.confirmDurably(input, PUBLIC_ACTOR);
      return toAppointmentResponse(confirmed);
    },
  );

  api.get(
    '/appointments/:reference',
    {
      schema: {
        summary: 'A booking’s slot and state (no personal data)',
        tags: ['appointments'],
        params: referenceParams,
        querystring: noQuery,
        response: { 200: appointmentResponse, ...errorResponses([404]) },
      },
      config: perMinute(deps.limits.lookup),
    },
    async (request) => {
      const view = appointments.get(request.params.reference);
      if (!view) throw new ApiError('not_found', 'no booking with this reference');
      return toAppointmentResponse(view);
    },
  );
}
