import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { daysApart } from '../../../services/appointments/calendar-days.js';
import { type PublicRouteDeps, perMinute } from './deps.js';
import { errorResponses, instantResponse, serviceCodeSchema } from './wire.js';

/** Longest range of days one listing covers: keeps a request's cost bounded. */
export const MAX_SLOT_RANGE_DAYS = 31;

/** `?service=&from=&to=`: local days of the mission, inclusive. */
export const slotQuerySchema = z
  .strictObject({
    service: serviceCodeSchema,
    from: z.iso.date().describe('first local day, YYYY-MM-DD'),
    to: z.iso.date().describe(`last local day, at most ${MAX_SLOT_RANGE_DAYS} days after from`),
  })
  .refine((query) => daysApart(query.from, query.to) >= 0, { message: 'to is before from', path: ['to'] })
  .refine((query) => daysApart(query.from, query.to) < MAX_SLOT_RANGE_DAYS, {
    message: `a listing covers at most ${MAX_SLOT_RANGE_DAYS} days`,
    path: ['to'],
  });

const slotSchema = z.object({
  start: instantResponse,
  end: instantResponse,
  capacity: z.int(),
  remaining: z.int().describe('places still free; 0 when full (join the waiting list)'),
});

/** `GET /slots`: a service's slots with the places left in each. */
export async function slotsRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/slots',
    {
      schema: {
        summary: 'Open slots of a service between two local days',
        tags: ['appointments'],
        querystring: slotQuerySchema,
        response: {
          200: z.object({
            service: z.string(),
            from: z.string(),
            to: z.string(),
            slots: z.array(slotSchema),
          }),
          ...errorResponses([404]),
        },
      },
      config: perMinute(deps.limits.read),
    },
    async (request) => {
      const { service, from, to } = request.query;
      const slots = deps.domain.appointments.listSlots({ serviceCode: service, from, to });
      return { service, from, to, slots };
    },
  );
}
