import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toHubWireError } from '../errors.js';
import { renderHubPage } from './render.js';
import { WebForbidden, WebRedirect } from './web-guard.js';

/** What users read when something is refused, by error code; others get the generic text. */
const MESSAGES: Readonly<Record<string, string>> = {
  forbidden: 'Votre rôle ne donne pas accès à cette page.',
  csrf_invalid:
    'Le formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.',
  invalid_request: 'La demande est incomplète ou invalide (dates de la période, par exemple).',
  not_found: 'Cette page n’existe pas.',
  rate_limited: 'Trop de demandes. Patientez une minute.',
};

/** Errors of the web pages become pages: a guard's redirect, or a French refusal page. A 5xx shows no detail. */
export function setWebErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof WebRedirect) return reply.redirect(error.location, 303);
    const wire = toHubWireError(error);
    const code =
      error instanceof WebForbidden
        ? 'forbidden'
        : isCsrfError(error)
          ? 'csrf_invalid'
          : wire.body.error.code;
    const status = error instanceof WebForbidden || isCsrfError(error) ? 403 : wire.status;
    if (status >= 500) request.log.error({ err: error }, 'hub web page failed');
    return errorPage(request, reply, status, String(code));
  });
  app.setNotFoundHandler((request, reply) => errorPage(request, reply, 404, 'not_found'));
}

function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, code: string) {
  reply.status(status);
  return renderHubPage(request, reply, 'error', {
    title: status === 404 ? 'Page introuvable' : 'Accès refusé',
    status,
    code,
    message:
      MESSAGES[code] ?? (status >= 500 ? 'Erreur interne : elle a été consignée.' : 'Demande refusée.'),
  });
}

function isCsrfError(error: FastifyError): boolean {
  return error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET';
}
