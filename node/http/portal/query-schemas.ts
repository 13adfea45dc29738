import { z } from 'zod';

/**
 * `?lang=` as a link carries it. Any text is let through: an unknown language is ignored by the
 * negotiation rather than refused, so an old or hand-typed link still opens the page.
 */
export const langParam = z.string().max(10).optional();

/** The query string of a page that takes nothing but the language. */
export const langOnly = z.strictObject({ lang: langParam });

/** A catalogue service code (`passport-renewal`). */
export const serviceCode = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);

/** `:code` of a service page. */
export const serviceCodeParam = z.strictObject({ code: serviceCode });

/** `:reference` of a booking, as typed (`RDV-K7M2-Q9XD`). */
export const referenceParam = z.strictObject({ reference: z.string().trim().min(4).max(40) });
