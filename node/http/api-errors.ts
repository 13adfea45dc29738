/** The node API's own error codes and their HTTP status: a log line or a client greps to one place. */
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
