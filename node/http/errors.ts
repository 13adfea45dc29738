import type { FastifyError } from 'fastify';
import { ZodError, z } from 'zod';
import { type WireError, wireError as wire } from '../../common/http/wire-error.js';
import { apiErrors } from './api-errors.js';
import { NODE_ERROR_CATALOGUE } from './error-catalogue.js';

export type { WireError } from '../../common/http/wire-error.js';
export { apiErrors } from './api-errors.js';

/** An API error code. */
export type ApiErrorCode = keyof typeof apiErrors;

/** An error the API answers with its own code and status. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/**
 * Turns anything thrown into the wire error. A 5xx never shows its message: it is logged with
 * its cause, and the client gets a generic one.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof ApiError) return wire(apiErrors[error.code], error.code, error.message);
  if (error instanceof ZodError) {
    return wire(400, 'invalid_request', 'the request does not match its schema', z.treeifyError(error));
  }
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown };
  if (fastifyError.validation) {
    return wire(400, 'invalid_request', fastifyError.message ?? 'invalid request', fastifyError.validation);
  }
  const code = (error as { code?: unknown }).code;
  const status = typeof code === 'string' ? NODE_ERROR_CATALOGUE.get(code) : undefined;
  if (status !== undefined && status < 500) return wire(status, code as string, (error as Error).message);
  const httpStatus = fastifyError.statusCode;
  if (httpStatus === 413) return wire(413, 'payload_too_large', 'the request body is too large');
  if (httpStatus === 415) return wire(415, 'unsupported_media_type', 'unsupported content type');
  if (httpStatus === 429) return wire(429, 'rate_limited', 'too many requests, try again later');
  if (httpStatus && httpStatus >= 400 && httpStatus < 500)
    return wire(httpStatus, 'invalid_request', fastifyError.message ?? 'bad request');
  return wire(500, 'internal', 'an internal error occurred; it has been logged');
}
