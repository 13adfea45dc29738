import { z } from 'zod';

/** The hub's error body (DESIGN.md): `{ error: { code, message, issues? } }`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('stable code: invalid_request, unauthenticated, forbidden, not_found, …'),
      message: z.string(),
      issues: z.unknown().optional(),
    }),
  })
  .describe('an error');

/** What every route may answer: a refused request, too many requests, an internal error. */
const COMMON_ERRORS = [400, 429, 500] as const;
/** …and what a route behind a permission may answer. */
const GUARDED_ERRORS = [401, 403] as const;

/**
 * Response schemas of a route's error statuses, so the OpenAPI document lists them; `guarded`
 * adds 401 and 403 for routes behind `requirePermission`.
 */
export function errorResponses<const S extends readonly number[]>(
  statuses: S,
  options: { guarded?: boolean } = {},
) {
  const all = [...COMMON_ERRORS, ...(options.guarded ? GUARDED_ERRORS : []), ...statuses];
  // Typed with the guarded statuses too: a route may then `reply.status(401)` with the error body.
  return Object.fromEntries(all.map((status) => [status, errorBodySchema])) as Record<
    (typeof COMMON_ERRORS)[number] | (typeof GUARDED_ERRORS)[number] | S[number],
    typeof errorBodySchema
  >;
}

/** An instant in UTC, RFC 3339, as the hub answers it. */
export const instantResponse = z.string().describe('UTC instant, RFC 3339');

/** {@link errorResponses} of a route behind `requirePermission`: 401 and 403 as well. */
export function guarded<const S extends readonly number[]>(statuses: S = [] as unknown as S) {
  return errorResponses(statuses, { guarded: true });
}
