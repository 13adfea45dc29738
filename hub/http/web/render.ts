import type { FastifyReply, FastifyRequest } from 'fastify';
import { WEB_BASE } from './web-deps.js';

/** Confirmations shown after a form, by the code in `?ok=` (never free text from the URL). */
const FLASH: Readonly<Record<string, string>> = {
  logged_out: 'Vous êtes déconnecté.',
  enrolment_over: 'L’étape d’activation de la double authentification est close : reconnectez-vous.',
  directive_issued: 'Directive signée et envoyée aux missions destinataires.',
  user_deactivated: 'Compte désactivé : ses sessions sont fermées.',
  user_reactivated: 'Compte réactivé.',
  user_unlocked: 'Verrouillage levé : la personne peut de nouveau se connecter.',
  user_totp_reset:
    'TOTP réinitialisé : ses sessions sont fermées ; la connexion attend un nouvel enrôlement.',
  user_roles_changed:
    'Rôles enregistrés : ses sessions sont fermées, les nouveaux rôles valent dès la reconnexion.',
};

/**
 * Renders a hub web page in the layout: the user's name, the menu for their roles, a CSRF token
 * for the page's forms (`it.csrf`), the confirmation of the last action, and the live-update
 * script when the page has live regions (`live: true` in data). Use in every page of /web.
 */
export function renderHubPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
): FastifyReply {
  const user = request.user;
  const ok = (request.query as { ok?: unknown } | undefined)?.ok;
  return reply.view(template, {
    live: false,
    ...data,
    me: user ? { username: user.username, displayName: user.displayName } : null,
    nav: request.server.hubNav.visibleTo(user),
    csrf: reply.generateCsrf(),
    flash: typeof ok === 'string' && Object.hasOwn(FLASH, ok) ? FLASH[ok] : null,
    base: WEB_BASE,
    path: request.url.split('?')[0],
  });
}
