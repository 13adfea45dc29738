import { ZodError, z } from 'zod';
import { errorCatalogue, wireError as reply, type WireError } from '../../common/http/wire-error.js';
import { HUB_ERROR_STATUS } from '../errors.js';
import { DIRECTIVE_ERROR_STATUS } from '../services/directives/issue-directive.js';
import { REGISTRY_IMPORT_ERROR_STATUS } from '../services/registry/import-submissions.js';
import { USER_ERROR_STATUS } from '../services/users/user-errors.js';

/** The hub API's own codes and their status. */
const API_ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
} as const;

/**
 * Every code the hub's HTTP layer answers with, and its status: its own and each area's, joined
 * once (a code two areas share means the same everywhere, or the hub does not start).
 */
export const HUB_ERROR_CATALOGUE: ReadonlyMap<string, number> = errorCatalogue({
  api: API_ERROR_STATUS,
  hub: HUB_ERROR_STATUS,
  users: USER_ERROR_STATUS,
  directives: DIRECTIVE_ERROR_STATUS,
  'registry import': REGISTRY_IMPORT_ERROR_STATUS,
});

/**
 * The hub's wire error: `{ error: { code, message, issues? } }`, as DESIGN.md says. A 5xx never
 * shows its message: it is logged with its cause, and the client gets a generic one.
 */
export function toHubWireError(error: unknown): WireError {
  if (error instanceof ZodError) {
    return reply(400, 'invalid_request', 'the request does not match its schema', z.treeifyError(error));
  }
  const e = error as { code?: unknown; statusCode?: number; message?: string; validation?: unknown };
  if (e.validation) return reply(400, 'invalid_request', e.message ?? 'invalid request', e.validation);
  const status = typeof e.code === 'string' ? HUB_ERROR_CATALOGUE.get(e.code) : undefined;
  if (status !== undefined && status < 500)
    return reply(status, e.code as string, e.message ?? String(e.code));
  if (e.statusCode === 413) return reply(413, 'payload_too_large', 'the request body is too large');
  if (e.statusCode === 429) return reply(429, 'rate_limited', 'too many requests, try again later');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return reply(e.statusCode, 'invalid_request', e.message ?? 'bad request');
  return reply(500, 'internal', 'an internal error occurred; it has been logged');
}
