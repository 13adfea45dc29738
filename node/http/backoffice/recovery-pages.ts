import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AppointmentEvents,
  FileEvents,
  MoneyEvents,
  PersonEvents,
  RegistrationEvents,
} from '../../../protocol/index.js';
import { isSettled, type RecoveredOutcome } from '../../services/recovery/recovered-events.js';
import { can } from '../../services/staff/index.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';

/** What each kind of recovered event asks of the staff, in their words. */
const KINDS: Readonly<Partial<Record<string, string>>> = {
  [AppointmentEvents.Booked]: 'Rendez-vous pris',
  [AppointmentEvents.Cancelled]: 'Rendez-vous annulé',
  [AppointmentEvents.Rescheduled]: 'Rendez-vous déplacé',
  [AppointmentEvents.CheckedIn]: 'Arrivée au guichet',
  [FileEvents.Opened]: 'Dossier ouvert',
  [FileEvents.Transitioned]: 'Dossier avancé',
  [MoneyEvents.PaymentRecorded]: 'Paiement encaissé',
  [RegistrationEvents.Submitted]: 'Immatriculation demandée',
  [PersonEvents.Created]: 'Personne enregistrée',
};

/** What became of each recovered record, and what it asks of an agent. */
const OUTCOMES: Readonly<Record<RecoveredOutcome, string>> = {
  restored: 'Remis en place depuis la copie scellée de la mission.',
  already_here: 'Déjà présent ici, aussi récent que la copie.',
  overbooked:
    'Remis en place, mais le créneau a été redonné depuis la restauration : il compte plus de rendez-vous que de places. Appelez un des demandeurs pour le déplacer.',
  kept_local:
    'Modifié ici depuis la restauration : la version de ce poste est gardée. Vérifiez avec le demandeur que rien ne manque.',
  number_taken:
    'Non remis en place : son numéro de reçu ou de bon a été redonné à un autre paiement depuis la restauration. Le consul décide quel document vaut.',
  failed: 'Non remis en place (un enregistrement lié manque) : ressaisissez-le.',
  not_copied: 'Aucune copie reçue : ressaisissez-le à partir des pièces et du demandeur.',
};

/**
 * Records the hub returned after this mission was restored from a backup: what happened here after
 * the backup, lost with the disk. Each is put back from the mission's own sealed copy when it can be
 * (the hub cannot read those copies); the page says what became of each, and the staff mark each
 * one done once checked or re-entered.
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
      const events = deps.domain.recovery.list({ all: request.query.tout === '1' }).map((event) => ({
        id: event.id,
        kind: KINDS[event.kind] ?? event.kind,
        entity: `${event.entity} ${event.entityId}`,
        at: missionTime(deps, event.at),
        outcome: OUTCOMES[event.outcome],
        settled: isSettled(event.outcome),
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
      deps.domain.recovery.markReviewed(request.params.id, pagePrincipal(request).username);
      return done(reply, '/recuperation', 'recovered_reviewed');
    },
  );
}
