import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listRecoveredEvents, markRecoveredReviewed } from '../../services/recovery/recovered-events.js';
import { can } from '../../services/staff/index.js';
import { missionTime, nowOf } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';

/** What each kind of recovered event asks of the staff, in their words. */
const KINDS: Readonly<Record<string, string>> = {
  'appointment.booked': 'Rendez-vous pris',
  'appointment.cancelled': 'Rendez-vous annulé',
  'appointment.rescheduled': 'Rendez-vous déplacé',
  'appointment.checked_in': 'Arrivée au guichet',
  'file.opened': 'Dossier ouvert',
  'file.transitioned': 'Dossier avancé',
  'payment.recorded': 'Paiement encaissé',
  'registration.created': 'Immatriculation',
  'person.created': 'Personne enregistrée',
};

/**
 * Records the hub returned after this mission was restored from a backup: what happened here after
 * the backup, lost with the disk. The staff re-enter each one (the hub holds no names or phone
 * numbers) and mark it done; nothing is merged by itself.
 */
export async function recoveryPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.get(
    '/recuperation',
    {
      schema: {
        hide: true,
        querystring: z.strictObject({ ok: z.string().max(20).optional(), tout: z.literal('1').optional() }),
      },
      preHandler: pageGuard(deps, 'recovery.read'),
    },
    async (request, reply) => {
      const mayReview = can(pagePrincipal(request), 'recovery.review');
      const events = listRecoveredEvents(deps.store, { all: request.query.tout === '1' }).map((event) => ({
        id: event.id,
        kind: KINDS[event.kind] ?? event.kind,
        entity: `${event.entity} ${event.entityId}`,
        at: missionTime(deps, event.at),
        facts: Object.entries(event.data)
          .map(
            ([key, value]) => `${key} : ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
          )
          .join(' · '),
        reviewed: event.reviewedAt ? `${missionTime(deps, event.reviewedAt)} par ${event.reviewedBy}` : null,
        canReview: mayReview && event.reviewedAt === null,
      }));
      return renderPage(request, reply, 'recovery', { title: 'Récupération après restauration', events });
    },
  );

  pages.post(
    '/recuperation/:id/traite',
    {
      schema: {
        hide: true,
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({ _csrf: z.string().max(200) }),
      },
      preHandler: [pageGuard(deps, 'recovery.review'), app.csrfProtection],
    },
    async (request, reply) => {
      markRecoveredReviewed(deps.store, request.params.id, pagePrincipal(request).username, nowOf(deps));
      return done(reply, '/recuperation', 'recovered_reviewed');
    },
  );
}
