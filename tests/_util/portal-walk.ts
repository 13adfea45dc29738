import { DateTime } from 'luxon';
import {
  EXAMPLE_SERVICE,
  PORTAL_ROUTES,
  PORTAL_STEP_ROUTES,
} from '../../node/http/portal/portal-routes-list.js';
import type { MissionNode } from '../../node/index.js';
import { applicant, codeFor } from './appointments.js';
import { openCounterFile } from './portal.js';

/** The portal's languages, each walked in full. */
export const PORTAL_LANGS = ['fr', 'sg', 'en'] as const;

/** `url` with `?lang=` (or `&lang=`) as a language link would give it. */
export function withLang(url: string, lang: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;
}

/** The first free slot of a service on the node's real clock, within the next three weeks. */
function firstFreeSlot(node: MissionNode, serviceCode: string): string {
  const zone = node.context.config.timeZone;
  const today = DateTime.now().setZone(zone);
  const slots = node.context.domain.appointments.listSlots({
    serviceCode,
    from: today.toISODate() ?? '',
    to: today.plus({ days: 21 }).toISODate() ?? '',
  });
  const free = slots.find((slot) => slot.remaining > 0 && Date.parse(slot.start) > Date.now());
  if (!free) throw new Error(`no free slot of ${serviceCode} within three weeks`);
  return free.start;
}

/**
 * Every GET page of the route list, with its booking steps resolved on this node: a free slot, a
 * booking waiting for its code (for the code page), a confirmed one (for the confirmation page)
 * and an open invoice (for the payment return page). Creates them through the domain, as an
 * earlier visitor and an agent would have.
 */
export function resolvedPortalPages(node: MissionNode): string[] {
  const { appointments } = node.context.domain;
  const slotStart = firstFreeSlot(node, EXAMPLE_SERVICE);
  const book = (n: number) =>
    appointments.book({ serviceCode: EXAMPLE_SERVICE, slotStart, ...applicant(n) }, 'test').reference;
  const held = book(101);
  const confirmed = book(102);
  appointments.confirm({ reference: confirmed, code: codeFor(node.context.store, confirmed) }, 'test');
  const { invoice } = openCounterFile(node.context.domain);
  const steps = PORTAL_STEP_ROUTES.map((route) =>
    route
      .replace(':service', EXAMPLE_SERVICE)
      .replace(':slotStart', encodeURIComponent(slotStart))
      .replace(':invoiceId', invoice.id)
      .replace(':reference', route.includes('/code/') ? held : confirmed),
  );
  return [...PORTAL_ROUTES, ...steps];
}
