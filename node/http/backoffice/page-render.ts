import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission, type PermissionSubject } from '../../services/staff/index.js';
import { SMS_READ_PERMISSION } from '../staff/sms-lookup.js';
import { BACKOFFICE } from './page-guard.js';

/** One entry of the menu, shown to the roles holding its permission. */
interface NavEntry {
  readonly href: string;
  readonly label: string;
  readonly permission: Permission;
}

const NAV: readonly NavEntry[] = [
  { href: `${BACKOFFICE}/rendez-vous`, label: 'Rendez-vous', permission: 'appointments.read' },
  { href: `${BACKOFFICE}/dossiers`, label: 'Dossiers', permission: 'files.read' },
  { href: `${BACKOFFICE}/caisse`, label: 'Caisse', permission: 'payments.read' },
  { href: `${BACKOFFICE}/rapprochements`, label: 'Rapprochements', permission: 'payments.read' },
  { href: `${BACKOFFICE}/immatriculations`, label: 'Immatriculations', permission: 'registrations.manage' },
  { href: `${BACKOFFICE}/etat-civil`, label: 'État civil', permission: 'civil_status.manage' },
  { href: `${BACKOFFICE}/directives`, label: 'Directives', permission: 'directives.read' },
  { href: `${BACKOFFICE}/visas`, label: 'Visas', permission: 'visas.read' },
  { href: `${BACKOFFICE}/appels`, label: 'Appels de sécurité', permission: 'roll_calls.read' },
  { href: `${BACKOFFICE}/sms`, label: 'SMS', permission: SMS_READ_PERMISSION },
  { href: `${BACKOFFICE}/recuperation`, label: 'Récupération', permission: 'recovery.read' },
  { href: `${BACKOFFICE}/personnel`, label: 'Personnel', permission: 'staff.manage' },
];

/**
 * Where an account lands after login: its first menu page, or its account page while enrolment
 * is pending or when no menu page is open to its roles (an administrator lands on the staff list).
 */
export function homePath(subject: PermissionSubject): string {
  const first = NAV.find((entry) => can(subject, entry.permission));
  return first?.href ?? `${BACKOFFICE}/compte`;
}

/** Confirmations shown after a form, by the code in `?ok=` (never free text from the URL). */
const FLASH: Readonly<Record<string, string>> = {
  checked_in: 'Arrivée enregistrée.',
  no_shows: 'Absences enregistrées.',
  moved: 'Dossier mis à jour.',
  document_added: 'Pièce ajoutée au dossier.',
  opened: 'Dossier ouvert. Remettez la fiche de suivi au demandeur.',
  invoiced: 'Facture établie.',
  closed: 'Caisse clôturée.',
  refunded: 'Remboursement enregistré.',
  refund_sent: 'Remboursement enregistré et transmis au prestataire de paiement.',
  refund_manual:
    'Remboursement enregistré. Ce prestataire ne rembourse pas par son interface : rendez la somme au demandeur par un autre moyen.',
  refund_not_sent:
    'Remboursement enregistré, mais le prestataire de paiement ne l’a pas accepté ou n’a pas répondu. Renvoyez-le depuis la liste des remboursements : un nouvel envoi ne rembourse pas deux fois.',
  verified: 'Immatriculation vérifiée.',
  activated: 'Immatriculation activée.',
  acknowledged: 'Directive accusée.',
  roll_call_started: 'Appel de sécurité lancé : les SMS partent dans l’ordre de la file.',
  roll_call_outcome: 'Suivi enregistré.',
  roll_call_closed: 'Appel de sécurité clôturé : il ne prend plus de réponses.',
  roll_call_need_help_approved:
    'Envoi approuvé : la liste des personnes ayant besoin d’aide part au ministère à la prochaine liaison.',
  roll_call_need_help_refused: 'Envoi refusé : aucune donnée personnelle de cet appel ne part au ministère.',
  recovered_reviewed: 'Enregistrement récupéré marqué comme traité.',
  cs_review: 'Instruction commencée.',
  cs_transcribed: 'Acte transcrit ; il part au registre national à la prochaine liaison.',
  cs_rejected: 'Demande de transcription rejetée.',
  password: 'Mot de passe changé.',
  staff_roles: 'Rôles modifiés ; les sessions du compte sont fermées.',
  staff_off: 'Compte désactivé ; ses sessions sont fermées.',
  staff_on: 'Compte réactivé.',
  staff_unlocked: 'Compte débloqué.',
  staff_totp: 'Double authentification réinitialisée : l’utilisateur l’activera à sa prochaine connexion.',
  staff_sessions: 'Sessions du compte fermées.',
};

/**
 * Renders a page with what every page shows: the agent's name, the menu for their roles, the CSRF
 * token of their session for the page's forms, and the confirmation of the last action.
 */
export function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
): FastifyReply {
  const principal = request.staff;
  const ok = (request.query as { ok?: unknown } | undefined)?.ok;
  return reply.view(template, {
    ...data,
    me: principal ? { username: principal.username, displayName: principal.displayName } : null,
    nav: principal ? NAV.filter((entry) => can(principal, entry.permission)) : [],
    csrf: request.session?._csrf ? reply.generateCsrf() : '',
    flash: typeof ok === 'string' && Object.hasOwn(FLASH, ok) ? FLASH[ok] : null,
    base: BACKOFFICE,
    live: principal !== null && principal.pending.length === 0,
  });
}

/** Redirects after a successful form (303: the browser then GETs the page). */
export function done(reply: FastifyReply, path: string, ok: string): FastifyReply {
  return reply.redirect(`${BACKOFFICE}${path}${path.includes('?') ? '&' : '?'}ok=${ok}`, 303);
}
