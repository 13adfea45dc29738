import { ZodError, z } from 'zod';

/** The hub API's error codes and their status; domain errors bring their own `code`. */
const statusByCode: Record<string, number> = {
  invalid_request: 400,
  unknown_mission: 400,
  no_target: 400,
  invalid_dates: 400,
  weak_password: 400,
  invalid_code: 400,
  user_exists: 409,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  locked: 423,
  payload_too_large: 413,
  rate_limited: 429,
};

/** The hub's wire error: `{ error: { code, message, issues? } }`, as DESIGN.md says. */
export function toHubWireError(error: unknown): { status: number; body: { error: Record<string, unknown> } } {
  if (error instanceof ZodError) {
    return reply(400, 'invalid_request', 'the request does not match its schema', z.treeifyError(error));
  }
  const e = error as { code?: unknown; statusCode?: number; message?: string; validation?: unknown };
  if (e.validation) return reply(400, 'invalid_request', e.message ?? 'invalid request', e.validation);
  if (typeof e.code === 'string' && statusByCode[e.code])
    return reply(statusByCode[e.code] ?? 400, e.code, e.message ?? e.code);
  if (e.statusCode === 413) return reply(413, 'payload_too_large', 'the request body is too large');
  if (e.statusCode === 429) return reply(429, 'rate_limited', 'too many requests, try again later');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return reply(e.statusCode, 'invalid_request', e.message ?? 'bad request');
  return reply(500, 'internal', 'an internal error occurred; it has been logged');
}

function reply(status: number, code: string, message: string, issues?: unknown) {
  return { status, body: { error: { code, message, ...(issues === undefined ? {} : { issues }) } } };
}
