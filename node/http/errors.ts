import type { FastifyError } from 'fastify';
import { ZodError, z } from 'zod';

/** The node API's error codes and their HTTP status: a log line or a client greps to one place. */
export const apiErrors = {
  invalid_request: 400,
  unauthenticated: 401,
  mfa_required: 401,
  forbidden: 403,
  csrf_invalid: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

/** An API error code. */
export type ApiErrorCode = keyof typeof apiErrors;

/** The wire shape of every error: `{ error: { code, message, issues? } }`. */
export interface WireError {
  readonly status: number;
  readonly body: { error: { code: string; message: string; issues?: unknown } };
}

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

/** Domain errors (services/…/errors.ts) carry a `code`; each code is mapped here to a status. */
const domainStatus = new Map<string, number>();

/** Registers the HTTP status of domain error codes (called once per service at start). */
export function registerDomainErrors(codes: Record<string, number>): void {
  for (const [code, status] of Object.entries(codes)) domainStatus.set(code, status);
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
  if (typeof code === 'string' && domainStatus.has(code)) {
    return wire(domainStatus.get(code) ?? 400, code, (error as Error).message);
  }
  const status = fastifyError.statusCode;
  if (status === 413) return wire(413, 'payload_too_large', 'the request body is too large');
  if (status === 415) return wire(415, 'unsupported_media_type', 'unsupported content type');
  if (status === 429) return wire(429, 'rate_limited', 'too many requests, try again later');
  if (status && status >= 400 && status < 500)
    return wire(status, 'invalid_request', fastifyError.message ?? 'bad request');
  return wire(500, 'internal', 'an internal error occurred; it has been logged');
}

function wire(status: number, code: string, message: string, issues?: unknown): WireError {
  return { status, body: { error: { code, message, ...(issues === undefined ? {} : { issues }) } } };
}
