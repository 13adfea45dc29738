import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LANGUAGES, type Language, negotiateLanguage, type Translate, translator } from '../../i18n/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The portal page's language and mode, set by the portal's first hook. */
    portal: PortalRequest | null;
  }
}

/** What every portal page knows of its reader. */
export interface PortalRequest {
  readonly lang: Language;
  readonly t: Translate;
  /** The request comes from the waiting-room tablet. */
  readonly kiosk: boolean;
}

/** Remembers the language chosen by a link. */
export const LANG_COOKIE = 'econsulat_lang';
/** Marks the waiting-room tablet's browser. */
export const KIOSK_COOKIE = 'econsulat_kiosk';
/** A year: the language choice outlives the visit. */
const LANG_COOKIE_SECONDS = 365 * 24 * 3600;

const TRANSLATORS = Object.fromEntries(LANGUAGES.map((lang) => [lang, translator(lang)])) as Record<
  Language,
  Translate
>;

/**
 * Sets `request.portal` on every portal request: the language (link, cookie, Accept-Language,
 * French) and kiosk mode. A language chosen by a link is remembered in a cookie.
 */
export function decoratePortalRequest(scope: FastifyInstance, secureCookies: boolean): void {
  scope.decorateRequest('portal', null);
  scope.addHook('onRequest', async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const remembered = request.cookies[LANG_COOKIE];
    const { lang, source } = negotiateLanguage({
      query: query.lang,
      cookie: remembered,
      acceptLanguage: request.headers['accept-language'],
    });
    if (source === 'query' && remembered !== lang) {
      reply.setCookie(LANG_COOKIE, lang, {
        path: '/',
        maxAge: LANG_COOKIE_SECONDS,
        sameSite: 'lax',
        httpOnly: true,
        secure: secureCookies,
      });
    }
    request.portal = { lang, t: TRANSLATORS[lang], kiosk: request.cookies[KIOSK_COOKIE] === '1' };
  });
}

/** The portal state of a request (French outside kiosk mode when a hook did not run). */
export function portalOf(request: FastifyRequest): PortalRequest {
  return request.portal ?? { lang: 'fr', t: TRANSLATORS.fr, kiosk: false };
}
