import { z } from 'zod';
import { languageSchema } from '../../../services/catalogue/catalogue-schema.js';

/** The error body of DESIGN.md: `{ error: { code, message, issues? } }`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('stable code: invalid_request, not_found, slot_full, …'),
      message: z.string(),
      issues: z.unknown().optional(),
    }),
  })
  .describe('an error');

/** Error statuses every public route may answer. */
const COMMON_ERRORS = [400, 429, 500] as const;
/** …and those of routes with a body. */
const BODY_ERRORS = [413, 415] as const;

/** Response schemas of the error statuses of a route, so the OpenAPI document lists them. */
export function errorResponses(statuses: readonly number[], options: { body?: boolean } = {}) {
  const all = [...COMMON_ERRORS, ...(options.body ? BODY_ERRORS : []), ...statuses];
  return Object.fromEntries(all.map((status) => [status, errorBodySchema])) as Record<
    number,
    typeof errorBodySchema
  >;
}

/** A route with no query string: anything in it is refused (a secret must never ride in a URL). */
export const noQuery = z.strictObject({});

/** `?lang=fr|sg|en`, French by default. */
export const langQuery = z.strictObject({ lang: languageSchema.default('fr') });

/** A catalogue service code (`passport-renewal`). */
export const serviceCodeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,40}$/)
  .describe('service code, as in GET /services');

/** An amount of money in integer minor units. */
export const moneyResponse = z.object({
  amountMinor: z.int().describe('integer minor units (XAF has none: 25000 is 25,000 XAF)'),
  currency: z.string().describe('ISO 4217'),
});

/** An instant in UTC, RFC 3339. */
export const instantResponse = z.string().describe('UTC instant, RFC 3339');
