import { beforeAll, describe, expect, it } from 'vitest';
import { createKeyRotationRequest, verifyKeyRotationRequest } from './key-rotation.js';
import { ready } from './sodium.js';
import { NOW, testIdentity } from './test-fixtures.js';

beforeAll(async () => {
  await ready();
});

describe('key rotation requests', () => {
  const roundTrip = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

  it('carries the new keys, signed by both the old and the new key', () => {
    const old = testIdentity('fr-paris');
    const next = testIdentity('fr-paris', 1);
    const request = createKeyRotationRequest(old, next, 'Ambassade à Paris', new Date(NOW), 41);
    const verified = verifyKeyRotationRequest(roundTrip(request), old.toPublic());
    expect(verified?.subject.keyId).toBe(next.keyId);
    expect(verified?.rotation.lastSeq).toBe(41);
  });

  it('refuses a request checked against another key than the one it supersedes', () => {
    const old = testIdentity('fr-paris');
    const request = createKeyRotationRequest(old, testIdentity('fr-paris', 1), 'Paris', new Date(NOW));
    expect(verifyKeyRotationRequest(roundTrip(request), testIdentity('fr-paris', 2).toPublic())).toBeNull();
  });

  it('refuses a request whose fields were changed after signing', () => {
    const old = testIdentity('fr-paris');
    const request = createKeyRotationRequest(old, testIdentity('fr-paris', 1), 'Paris', new Date(NOW), 3);
    expect(verifyKeyRotationRequest({ ...request, lastSeq: 900 }, old.toPublic())).toBeNull();
  });

  it('refuses new keys of another party, and a malformed request', () => {
    const old = testIdentity('fr-paris');
    expect(() => createKeyRotationRequest(old, testIdentity('cm-yaounde'), 'Paris', new Date(NOW))).toThrow(
      TypeError,
    );
    expect(verifyKeyRotationRequest({ format: 'econsulat-key-rotation/v1' }, old.toPublic())).toBeNull();
  });
});
