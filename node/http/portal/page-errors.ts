import type { FastifyError, FastifyInstance } from 'fastify';
import type { MessageKey } from '../../i18n/index.js';
import { toWireError } from '../errors.js';
import { type PageSite, renderPage } from './page-render.js';

/** What a citizen reads when a page or a form is refused, by error code. */
const MESSAGES: Readonly<Record<string, MessageKey>> = {
  csrf_invalid: 'error.csrf',
  invalid_request: 'error.invalidRequest',
  invalid_input: 'error.invalidRequest',
  not_found: 'error.notFound',
  unknown_service: 'error.unknownService',
  rate_limited: 'error.rateLimited',
  payload_too_large: 'error.invalidRequest',
  unsupported_media_type: 'error.invalidRequest',
  invoice_not_found: 'error.notFound',
  invoice_not_open: 'error.invoiceNotOpen',
  unknown_provider: 'payment.unavailable',
};

/** A refusal found by a page itself (an unknown service, reference or invoice): a 404 page. */
export class PageNotFound extends Error {
  readonly statusCode = 404;
  readonly code = 'not_found';

  constructor(
    message: string,
    /** What the reader is told. */
    readonly messageKey: MessageKey = 'error.notFound',
  ) {
    super(message);
  }
}

/**
 * Errors of the portal become pages in the reader's language, with the status of the API's error
 * catalogue. A 5xx shows no detail and is logged with its cause.
 */
export function setPortalErrorHandler(scope: FastifyInstance, site: PageSite): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const csrf = error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET';
    const wire = csrf ? { status: 403, code: 'csrf_invalid' } : fromWire(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'portal page failed');
    const message =
      error instanceof PageNotFound
        ? error.messageKey
        : (MESSAGES[wire.code] ?? (wire.status >= 500 ? 'error.internal' : 'error.refused'));
    return renderPage(
      request,
      reply,
      site,
      { view: 'error', title: 'error.title', data: { message, status: wire.status } },
      { status: wire.status, personal: true },
    );
  });
}

function fromWire(error: FastifyError): { status: number; code: string } {
  if (error instanceof PageNotFound) return { status: 404, code: 'not_found' };
  const wire = toWireError(error);
  return { status: wire.status, code: wire.body.error.code };
}
