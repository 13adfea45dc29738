import { ZodError, z } from 'zod';
import { type WireError, wireError as wire } from './wire-error.js';

/**
 * Turns anything thrown into the wire error, finding a coded error's status in the side's
 * catalogue. A 5xx never shows its message: it is logged with its cause, and the client gets a
 * generic one.
 */
export function toWireError(error: unknown, catalogue: ReadonlyMap<string, number>): WireError {
  if (error instanceof ZodError) {
    return wire(400, 'invalid_request', 'the request does not match its schema', z.treeifyError(error));
  }
  const e = error as { code?: unknown; statusCode?: number; message?: string; validation?: unknown };
  if (e.validation) return wire(400, 'invalid_request', e.message ?? 'invalid request', e.validation);
  const status = typeof e.code === 'string' ? catalogue.get(e.code) : undefined;
  if (status !== undefined && status < 500)
    return wire(status, e.code as string, e.message ?? String(e.code));
  if (e.statusCode === 413) return wire(413, 'payload_too_large', 'the request body is too large');
  if (e.statusCode === 415) return wire(415, 'unsupported_media_type', 'unsupported content type');
  if (e.statusCode === 429) return wire(429, 'rate_limited', 'too many requests, try again later');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return wire(e.statusCode, 'invalid_request', e.message ?? 'bad request');
  return wire(500, 'internal', 'an internal error occurred; it has been logged');
}
