import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { Caller } from '../../../services/appointments/changes.js';
import {
  appointmentBodies,
  appointmentResponse,
  referenceParams,
  toAppointmentResponse,
} from './appointment-schemas.js';
import { PUBLIC_ACTOR, type PublicRouteDeps, perMinute } from './deps.js';
import { errorResponses } from './wire.js';

// An applicant acts only on a booking whose phone number they give.
const APPLICANT: Caller = { actor: PUBLIC_ACTOR, staff: false };

/** `POST /appointments/:reference/cancel`, `…/reschedule` and `POST /waitlist`. */
export async function bookingChangesRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const bodies = appointmentBodies(deps.config.region as CountryCode);
  const { appointments } = deps.domain;

  api.post(
    '/appointments/:reference/cancel',
    {
      schema: {
        summary: 'Cancel a booking (its place goes to the waiting list)',
        tags: ['appointments'],
        params: referenceParams,
        body: bodies.cancel,
        response: { 200: appointmentResponse, ...errorResponses([404, 409], { body: true }) },
      },
      config: perMinute(deps.limits.change),
    },
    async (request) => {
      const input = { reference: request.params.reference, phone: request.body.phone };
      const cancelled = appointments.cancel(input, APPLICANT);
      // The counter's list of the day loses a line (and the waiting list may gain an offer).
      return toAppointmentResponse(cancelled);
    },
  );

  api.post(
    '/appointments/:reference/reschedule',
    {
      schema: {
        summary: 'Move a confirmed booking to another slot of its service',
        description:
          'The move is sent by SMS: 429 sms_limit when too many SMS went to the phone, or to numbers ' +
          'of its range, in the last hour or day; the booking is left as it was.',
        tags: ['appointments'],
        params: referenceParams,
        body: bodies.reschedule,
        response: { 200: appointmentResponse, ...errorResponses([404, 409, 422], { body: true }) },
      },
      config: perMinute(deps.limits.change),
    },
    async (request) => {
      const input = { reference: request.params.reference, ...request.body };
      const moved = appointments.reschedule(input, APPLICANT);
      return toAppointmentResponse(moved);
    },
  );

  api.post(
    '/waitlist',
    {
      schema: {
        summary: 'Wait for a freed place on a fully booked day; it is offered by SMS',
        description:
          'The offer is a held booking confirmed with its code, where the limits per phone and per ' +
          'person apply. Someone whose phone has reached a cap on SMS is passed over for that place ' +
          'and keeps their position.',
        tags: ['appointments'],
        body: bodies.waitlist,
        response: {
          201: z.object({
            service: z.string(),
            day: z.string(),
            position: z.int().describe('1 for the next person offered a freed place'),
          }),
          ...errorResponses([404, 409, 422], { body: true }),
        },
      },
      config: perMinute(deps.limits.booking),
    },
    async (request, reply) => {
      const { service, ...rest } = request.body;
      const entry = appointments.joinWaitlist({ serviceCode: service, ...rest }, PUBLIC_ACTOR);
      return reply.status(201).send({ service, day: rest.day, position: entry.position });
    },
  );
}
