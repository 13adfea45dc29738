import { describe, expect, it } from 'vitest';
import { errorCatalogue, wireError } from './wire-error.js';

describe('wire errors and error catalogues', () => {
  it('shapes a refusal, with issues only when there are some', () => {
    expect(wireError(404, 'not_found', 'no such file')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no such file' } },
    });
    expect(wireError(400, 'invalid_request', 'bad', { errors: [] }).body.error.issues).toEqual({
      errors: [],
    });
  });

  it('joins the areas, a code shared with the same status once', () => {
    const catalogue = errorCatalogue({
      files: { file_not_found: 404, transition_not_allowed: 409 },
      civil: { transition_not_allowed: 409 },
    });
    expect([...catalogue]).toEqual([
      ['file_not_found', 404],
      ['transition_not_allowed', 409],
    ]);
  });

  it('refuses a code two areas answer differently, and a status that is not an error', () => {
    expect(() => errorCatalogue({ files: { not_found: 404 }, users: { not_found: 410 } })).toThrow(
      'not_found is 404 in files but 410 in users',
    );
    expect(() => errorCatalogue({ files: { created: 201 } })).toThrow(TypeError);
    expect(() => errorCatalogue({ files: { odd: 404.5 } })).toThrow(TypeError);
  });
});
