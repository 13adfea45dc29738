import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkInBody } from '../../staff/check-in.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import { missionToday } from '../../staff/staff-clock.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const referenceParams = z.strictObject({ reference: z.string().min(4).max(40) });
const serviceCode = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);

/** The counter's day: the list of appointments, check-in, and the sweep of no-shows. */
export async function staffAppointmentRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { appointments, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/appointments',
    {
      preHandler: requireStaff(staff, 'appointments.read'),
      schema: {
        querystring: z.strictObject({ day: z.iso.date().optional(), service: serviceCode.optional() }),
      },
    },
    async (request) => {
      const day = request.query.day ?? missionToday(deps);
      return { day, appointments: appointments.counterList(day, request.query.service) };
    },
  );

  api.post(
    '/appointments/:reference/check-in',
    {
      preHandler: requireStaff(staff, 'appointments.checkin'),
      schema: { params: referenceParams, body: checkInBody },
    },
    async (request) => {
      const actor = principalOf(request).username;
      const view = appointments.checkIn({ reference: request.params.reference, ...request.body }, actor);
      return view;
    },
  );

  api.post(
    '/appointments/no-shows',
    { preHandler: requireStaff(staff, 'appointments.checkin') },
    async (request) => {
      return { references: appointments.markNoShows(principalOf(request).username) };
    },
  );
}
