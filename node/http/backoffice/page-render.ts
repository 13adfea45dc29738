import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission } from '../../services/staff/index.js';
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
  { href: `${BACKOFFICE}/immatriculations`, label: 'Immatriculations', permission: 'registrations.manage' },
  { href: `${BACKOFFICE}/directives`, label: 'Directives', permission: 'directives.read' },
];

/** Confirmations shown after a form, by the code in `?ok=` (never free text from the URL). */
const FLASH: Readonly<Record<string, string>> = {
  checked_in: 'Arrivée enregistrée.',
  no_shows: 'Absences enregistrées.',
  moved: 'Dossier mis à jour.',
  opened: 'Dossier ouvert.',
  invoiced: 'Facture établie.',
  closed: 'Caisse clôturée.',
  verified: 'Immatriculation vérifiée.',
  activated: 'Immatriculation activée.',
  acknowledged: 'Directive accusée.',
  password: 'Mot de passe changé.',
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
