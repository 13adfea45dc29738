import { CodedError } from '../../common/errors/coded-error.js';
import { toWireError as toCommonWireError } from '../../common/http/to-wire-error.js';
import type { WireError } from '../../common/http/wire-error.js';
import type { apiErrors } from './api-errors.js';
import { NODE_ERROR_CATALOGUE } from './error-catalogue.js';

export type { WireError } from '../../common/http/wire-error.js';
export { apiErrors } from './api-errors.js';

/** An API error code. */
export type ApiErrorCode = keyof typeof apiErrors;

/** An error the API answers with its own code and status. */
export class ApiError extends CodedError<ApiErrorCode> {
  override readonly name = 'ApiError';
}

/** Turns anything thrown into the wire error, with the node's catalogue (common/http/to-wire-error.ts). */
export function toWireError(error: unknown): WireError {
  return toCommonWireError(error, NODE_ERROR_CATALOGUE);
}
