import type { FastifyError, FastifyInstance } from 'fastify';
import { MAX_DOCUMENT_BYTES } from '../../services/files/file-documents.js';
import { toWireError } from '../errors.js';
import { PageForbidden, PageRedirect } from './page-guard.js';
import { renderPage } from './page-render.js';

/** What agents read when an action is refused, by error code; other codes get the generic text. */
const MESSAGES: Readonly<Record<string, string>> = {
  unauthenticated: 'Veuillez vous connecter.',
  forbidden: 'Votre rôle ne permet pas cette action.',
  csrf_invalid:
    'Le formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.',
  invalid_request: 'Les informations saisies sont incomplètes ou invalides.',
  invalid_input: 'Les informations saisies sont incomplètes ou invalides.',
  invalid_credentials: 'Identifiant, mot de passe ou code incorrect.',
  account_locked: 'Trop d’essais : compte bloqué pendant quelques minutes.',
  rate_limited: 'Trop de tentatives. Patientez une minute.',
  weak_password:
    'Mot de passe trop faible : au moins 12 caractères, ni le nom d’utilisateur, ni un mot courant.',
  invalid_code: 'Ce code ne correspond pas. Vérifiez l’heure du téléphone.',
  identity_mismatch: 'Le nom ou le numéro du document ne correspond pas au rendez-vous.',
  wrong_day: 'Ce rendez-vous est prévu un autre jour.',
  invalid_state: 'Ce rendez-vous ne peut plus être pointé.',
  not_found: 'Introuvable.',
  file_not_found: 'Dossier introuvable.',
  transition_not_allowed: 'Ce changement d’état n’est pas permis pour ce dossier.',
  state_changed: 'Le dossier a été modifié entre-temps. Rechargez la page.',
  document_not_found: 'Pièce introuvable.',
  document_too_large: `Fichier vide ou trop lourd : ${MAX_DOCUMENT_BYTES / 1024 / 1024} Mo au plus.`,
  payload_too_large: `Fichier trop lourd : ${MAX_DOCUMENT_BYTES / 1024 / 1024} Mo au plus.`,
  document_type_mismatch:
    'Seuls les fichiers PDF, JPEG et PNG sont acceptés (un fichier renommé est refusé).',
  invoice_not_open: 'Cette facture est déjà réglée ou annulée.',
  amount_mismatch: 'Le montant doit être exactement le montant dû.',
  day_closed: 'La caisse de ce jour est déjà clôturée.',
  already_closed: 'La caisse de ce jour est déjà clôturée.',
  closing_unbalanced: 'Le comptage ne correspond pas : recomptez, ou expliquez l’écart.',
  payment_not_found: 'Paiement introuvable.',
  refund_exceeds_payment: 'Ce montant dépasse ce qui reste à rembourser sur ce paiement.',
  refund_method_not_possible: 'Un paiement en espèces se rembourse en espèces.',
  currency_mismatch: 'La devise ne correspond pas à celle du paiement.',
  future_day: 'Ce jour n’a pas encore commencé.',
  no_fee_in_currency: 'Ce service n’a pas de tarif dans cette devise.',
  username_taken: 'Cet identifiant est déjà pris.',
  last_admin: 'Refusé : la mission doit garder au moins un administrateur actif.',
  self_change:
    'Refusé : vos propres rôles et la désactivation de votre compte se changent par un autre administrateur.',
  already_acknowledged: 'Directive déjà accusée.',
  roll_call_not_found: 'Appel de sécurité introuvable.',
  roll_call_target_not_found: 'Cette personne n’est pas concernée par cet appel.',
  roll_call_closed: 'Cet appel de sécurité est clôturé : il ne prend plus de changements.',
  roll_call_need_help_not_requested: 'Le ministère n’a pas demandé de liste pour cet appel.',
};

/**
 * Errors of the back office become pages, not JSON: a guard's redirect, a refusal page with the
 * status of the API's error catalogue and a French message. A 5xx shows no detail.
 */
export function setPageErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof PageRedirect) return reply.redirect(error.location, 303);
    const wire = toWireError(error);
    const forbidden = error instanceof PageForbidden;
    const code = forbidden ? 'forbidden' : isCsrfError(error) ? 'csrf_invalid' : wire.body.error.code;
    if (wire.status >= 500) request.log.error({ err: error }, 'back-office page failed');
    reply.status(forbidden ? 403 : wire.status);
    return renderPage(request, reply, 'error', {
      title: 'Action refusée',
      status: reply.statusCode,
      code,
      message:
        MESSAGES[code] ?? (wire.status >= 500 ? 'Erreur interne : elle a été consignée.' : 'Action refusée.'),
    });
  });
}

function isCsrfError(error: FastifyError): boolean {
  return error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET';
}
