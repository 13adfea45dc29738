import { describe, expect, it } from 'vitest';
import { HUB_ERROR_CATALOGUE, toHubWireError } from '../hub/http/errors.js';
import { NODE_ERROR_CATALOGUE } from '../node/http/error-catalogue.js';
import { toWireError } from '../node/http/errors.js';
import { CivilStatusErrorCode } from '../node/services/civil-status/errors.js';
import { FileError, FileErrorCode } from '../node/services/files/errors.js';

describe('one error catalogue per side', () => {
  it('knows every code of the node’s areas, in one style', () => {
    expect(NODE_ERROR_CATALOGUE.get(FileErrorCode.NotFound)).toBe(404);
    expect(NODE_ERROR_CATALOGUE.get(CivilStatusErrorCode.TransitionNotAllowed)).toBe(409);
    expect(NODE_ERROR_CATALOGUE.get('webhook_rejected')).toBe(400);
    expect(NODE_ERROR_CATALOGUE.get('enrolment_pending')).toBe(403);
    for (const code of NODE_ERROR_CATALOGUE.keys()) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('answers a domain error with its status whatever the route, and never shows a 5xx message', () => {
    expect(toWireError(new FileError(FileErrorCode.StateChanged, 'the file moved'))).toEqual({
      status: 409,
      body: { error: { code: 'state_changed', message: 'the file moved' } },
    });
    const internal = Object.assign(new Error('disk path /var/lib/econsulat leaked'), { code: 'unavailable' });
    expect(toWireError(internal)).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'an internal error occurred; it has been logged' } },
    });
  });

  it('gives the hub’s own codes a status: an unknown mission is a 404, not a 500', () => {
    expect(HUB_ERROR_CATALOGUE.get('mission_not_found')).toBe(404);
    expect(HUB_ERROR_CATALOGUE.get('weak_password')).toBe(400);
    const schema = Object.assign(new Error('schema 99 is newer'), { code: 'database_too_new' });
    expect(toHubWireError(schema).status).toBe(500);
    expect(toHubWireError(schema).body.error.message).not.toContain('99');
  });
});
