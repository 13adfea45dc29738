import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { personInputSchema } from '../../../services/people/person-schema.js';
import { utcDay } from '../../../services/registrations/partial-date.js';
import {
  censusSchema,
  consentsInputSchema,
  detailsShape,
} from '../../../services/registrations/registration-schema.js';
import { PUBLIC_ACTOR, type PublicRouteDeps, perMinute } from './deps.js';
import { errorResponses, instantResponse } from './wire.js';

/**
 * An online registration: always a new person's details (an applicant cannot name an existing
 * person by id), the skills census, and the consents as shown on the form.
 */
export function registrationBody(region: CountryCode, today: () => string) {
  return z.strictObject({
    person: personInputSchema(region),
    ...detailsShape(today),
    census: censusSchema.optional(),
    consents: consentsInputSchema.describe(
      'processing is required; census and contact are the national’s choice',
    ),
  });
}

const registrationResponse = z.object({
  id: z.string(),
  state: z.enum(['submitted', 'verified', 'active', 'expired', 'rejected', 'deregistered']),
  submittedAt: instantResponse,
});

/** `POST /registrations`: consular registration (immatriculation) with the census and consents. */
export async function registrationsRoutes(app: FastifyInstance, deps: PublicRouteDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/registrations',
    {
      schema: {
        summary: 'Register with the mission (immatriculation); refused without consent to processing',
        tags: ['registrations'],
        body: registrationBody(deps.config.region as CountryCode, utcDay(deps.now)),
        response: { 201: registrationResponse, ...errorResponses([409, 422], { body: true }) },
      },
      config: perMinute(deps.limits.submission),
    },
    async (request, reply) => {
      const { census, ...rest } = request.body;
      const input = { ...rest, channel: 'online' as const, ...(census === undefined ? {} : { census }) };
      const registration = deps.domain.registrations.submit(input, PUBLIC_ACTOR);
      return reply.status(201).send({
        id: registration.id,
        state: registration.state,
        submittedAt: registration.submittedAt,
      });
    },
  );
}
