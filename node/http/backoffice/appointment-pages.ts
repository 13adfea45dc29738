import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../services/staff/index.js';
import { checkInBody } from '../staff/check-in.js';
import { SMS_READ_PERMISSION } from '../staff/sms-lookup.js';
import { missionTime, missionToday } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';
import { smsOfRecord } from './sms-view.js';

/** State names as agents read them. */
export const APPOINTMENT_STATES: Readonly<Record<string, string>> = {
  confirmed: 'Attendu',
  checked_in: 'Arrivé',
  no_show: 'Absent',
};

/** Today's appointments with a check-in form per confirmed booking, and the no-show sweep. */
export async function appointmentPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { appointments } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.get(
    '/rendez-vous',
    {
      schema: {
        hide: true,
        querystring: z.strictObject({ jour: z.iso.date().optional(), ok: z.string().max(20).optional() }),
      },
      preHandler: pageGuard(deps, 'appointments.read'),
    },
    async (request, reply) => {
      const day = request.query.jour ?? missionToday(deps);
      const showSms = can(pagePrincipal(request), SMS_READ_PERMISSION);
      const entries = appointments.counterList(day).map((entry) => ({
        ...entry,
        time: `${missionTime(deps, entry.slotStart, 'HH:mm')}–${missionTime(deps, entry.slotEnd, 'HH:mm')}`,
        stateLabel: APPOINTMENT_STATES[entry.state] ?? entry.state,
        lastSms: showSms ? (smsOfRecord(deps, entry.reference, 1)[0] ?? null) : null,
      }));
      return renderPage(request, reply, 'appointments', {
        title: 'Rendez-vous du jour',
        day,
        isToday: day === missionToday(deps),
        showSms,
        entries,
      });
    },
  );

  pages.post(
    '/rendez-vous/pointage',
    {
      schema: {
        hide: true,
        body: checkInBody.extend({ _csrf: z.string().max(200), reference: z.string().min(4).max(40) }),
      },
      preHandler: [pageGuard(deps, 'appointments.checkin'), app.csrfProtection],
    },
    async (request, reply) => {
      const { _csrf: _token, ...input } = request.body;
      const _view = appointments.checkIn(input, pagePrincipal(request).username);
      return done(reply, '/rendez-vous', 'checked_in');
    },
  );

  pages.post(
    '/rendez-vous/absences',
    {
      schema: { hide: true, body: z.strictObject({ _csrf: z.string().max(200) }) },
      preHandler: [pageGuard(deps, 'appointments.checkin'), app.csrfProtection],
    },
    async (request, reply) => {
      for (const _ref of appointments.markNoShows(pagePrincipal(request).username)) {
      }
      return done(reply, '/rendez-vous', 'no_shows');
    },
  );
}
