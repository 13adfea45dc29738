import type { FastifyReply, FastifyRequest } from 'fastify';
import { LANGUAGES, type Language, type MessageKey } from '../../i18n/index.js';
import { EMPTY_FORM, errorSummary, type FormState, fieldHelper, listOf } from './form-values.js';
import type { Formats } from './formats.js';
import { portalOf } from './page-context.js';
import { PORTAL_PATHS } from './portal-routes-list.js';

/** Seconds without a click before the kiosk goes back to its start page. */
export const KIOSK_IDLE_SECONDS = 120;

/** How a page may be kept and what it carries. */
export interface PageOptions {
  /** The page holds a form: it gets a CSRF token and is never stored by a cache. */
  readonly form?: boolean;
  /** The page shows what a visitor typed, or their file: never stored by a cache. */
  readonly personal?: boolean;
  readonly status?: number;
  /** Where the language links lead, when not to this path (a POST-only path has no page to GET). */
  readonly langPath?: string;
}

/** What the layout needs besides the page's own data. */
export interface PageSite {
  readonly missionName: string;
  readonly formats: Readonly<Record<Language, Formats>>;
  readonly stylesheet: string;
}

const LANGUAGE_LABELS: Readonly<Record<Language, MessageKey>> = {
  fr: 'lang.fr',
  sg: 'lang.sg',
  en: 'lang.en',
};

/** The main menu, in reading order. */
const MENU: readonly { href: string; label: MessageKey }[] = [
  { href: PORTAL_PATHS.services, label: 'nav.services' },
  { href: PORTAL_PATHS.booking, label: 'nav.booking' },
  { href: PORTAL_PATHS.manage, label: 'nav.manage' },
  { href: PORTAL_PATHS.tracking, label: 'nav.tracking' },
  { href: PORTAL_PATHS.payment, label: 'nav.payment' },
  { href: PORTAL_PATHS.registration, label: 'nav.registration' },
  { href: PORTAL_PATHS.mission, label: 'nav.mission' },
  { href: PORTAL_PATHS.faq, label: 'nav.faq' },
];

/**
 * Renders a portal page in the reader's language, with the headers every page needs: its
 * language, what it varies on, how long it may be kept, and in kiosk mode the idle return.
 */
export function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  site: PageSite,
  page: { view: string; title: MessageKey; titleText?: string; data?: Record<string, unknown> },
  options: PageOptions = {},
): FastifyReply {
  const { lang, t, kiosk } = portalOf(request);
  const path = request.url.split('?')[0] ?? '/';
  const isPrivate = options.form === true || options.personal === true;
  void reply
    .status(options.status ?? 200)
    .header('content-language', lang)
    .header('vary', 'accept-language, cookie')
    .header('cache-control', isPrivate ? 'no-store' : 'private, max-age=300');
  if (kiosk && path !== PORTAL_PATHS.kiosk) {
    // An HTTP refresh, not a <meta>: it needs no script and leaves the page's markup alone.
    void reply.header('refresh', `${KIOSK_IDLE_SECONDS}; url=${PORTAL_PATHS.kiosk}`);
  }
  const form = (page.data?.form as FormState | undefined) ?? EMPTY_FORM;
  return reply.view(page.view, {
    ...page.data,
    form,
    f: fieldHelper(t, form),
    /** True when a choice was ticked or selected in the form as posted. */
    has: (name: string, value: string) => listOf(form.values, name).includes(value),
    errors: errorSummary(t, form),
    title: page.titleText ?? t(page.title),
    lang,
    t,
    fmt: site.formats[lang],
    kiosk,
    idleMinutes: KIOSK_IDLE_SECONDS / 60,
    csrf: options.form ? reply.generateCsrf() : '',
    missionName: site.missionName,
    stylesheet: site.stylesheet,
    paths: PORTAL_PATHS,
    home: kiosk ? PORTAL_PATHS.kiosk : PORTAL_PATHS.home,
    menu: MENU.map((entry) => ({ href: entry.href, label: t(entry.label), current: entry.href === path })),
    languages: languageLinks(request, options.langPath ?? path),
  });
}

/** A link per language to the same page, keeping its (non-personal) query string. */
function languageLinks(request: FastifyRequest, path: string) {
  const { lang: current, t } = portalOf(request);
  const kept = Object.entries((request.query ?? {}) as Record<string, unknown>).filter(
    (entry): entry is [string, string] => entry[0] !== 'lang' && typeof entry[1] === 'string',
  );
  const samePath = path === (request.url.split('?')[0] ?? '/');
  return LANGUAGES.map((lang) => {
    const query = new URLSearchParams(samePath ? kept : []);
    query.set('lang', lang);
    return {
      code: lang,
      label: t(LANGUAGE_LABELS[lang]),
      href: `${path}?${query}`,
      current: lang === current,
    };
  });
}
