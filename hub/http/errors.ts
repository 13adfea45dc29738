import { toWireError } from '../../common/http/to-wire-error.js';
import { errorCatalogue, type WireError } from '../../common/http/wire-error.js';
import { HUB_ERROR_STATUS } from '../errors.js';
import { DIRECTIVE_ERROR_STATUS } from '../services/directives/issue-directive.js';
import { REGISTRY_IMPORT_ERROR_STATUS } from '../services/registry/import-submissions.js';
import { REGISTRY_REVIEW_ERROR_STATUS } from '../services/registry/review.js';
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
  'registry review': REGISTRY_REVIEW_ERROR_STATUS,
});

/**
 * The hub's wire error: `{ error: { code, message, issues? } }`, as DESIGN.md says, with the hub's
 * catalogue (common/http/to-wire-error.ts).
 */
export function toHubWireError(error: unknown): WireError {
  return toWireError(error, HUB_ERROR_CATALOGUE);
}
