import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url, toHex } from './encoding.js';
import { open, seal } from './envelope.js';
import { deriveKeyId, Identity, publicIdentityFromJson, publicIdentityToJson } from './keys.js';
import { ready } from './sodium.js';
import { hubContext, NOW, seed, testParties } from './test-fixtures.js';

beforeAll(async () => {
  await ready();
});

/** Every text form a leaked secret could take in a log line. */
function secretForms(identity: Identity, signSeed: Uint8Array, boxSeed: Uint8Array): string[] {
  const forms: string[] = [];
  for (const secret of [signSeed, boxSeed, identity.signSecretKey, identity.boxSecretKey]) {
    forms.push(toBase64Url(secret), toHex(secret), Buffer.from(secret).toString('base64'));
    forms.push(Array.from(secret.subarray(0, 8)).join(', '), Array.from(secret.subarray(0, 8)).join(','));
  }
  return forms;
}

describe('Identity', () => {
  it('derives the same keys and key id from the same seeds', () => {
    const a = Identity.fromSeeds('fr-paris', seed('s'), seed('b'));
    const b = Identity.fromSeeds('fr-paris', seed('s'), seed('b'));
    expect(a.keyId).toBe(b.keyId);
    expect(a.signPublicKey).toEqual(b.signPublicKey);
    expect(a.boxPublicKey).toEqual(b.boxPublicKey);
    expect(a.keyId).toMatch(/^[0-9a-f]{32}$/);
    expect(Identity.fromSeeds('fr-paris', seed('s'), seed('other')).keyId).not.toBe(a.keyId);
  });

  it('generates a different identity each time', () => {
    expect(Identity.generate('hub').keyId).not.toBe(Identity.generate('hub').keyId);
  });

  it('refuses seeds that are not 32 bytes', () => {
    expect(() => Identity.fromSeeds('hub', new Uint8Array(31), seed('b'))).toThrow(TypeError);
    expect(() => Identity.fromSeeds('hub', seed('a'), new Uint8Array(64))).toThrow(TypeError);
  });

  it('refuses a party id that is neither the hub nor a mission id', () => {
    expect(() => Identity.fromSeeds('Paris', seed('a'), seed('b'))).toThrow();
    expect(() => Identity.fromSeeds('fr-paris/up', seed('a'), seed('b'))).toThrow();
  });

  it('exposes only public keys in its public half', () => {
    const identity = Identity.fromSeeds('hub', seed('a'), seed('b'));
    expect(Object.keys(identity.toPublic()).sort()).toEqual([
      'boxPublicKey',
      'keyId',
      'partyId',
      'signPublicKey',
    ]);
  });
});

describe('key files', () => {
  it('round trips through exportSecret and importSecret', () => {
    const original = Identity.generate('cm-yaounde');
    const restored = Identity.importSecret(original.exportSecret());
    expect(restored.partyId).toBe('cm-yaounde');
    expect(restored.keyId).toBe(original.keyId);
    expect(restored.signSecretKey).toEqual(original.signSecretKey);
    expect(restored.boxSecretKey).toEqual(original.boxSecretKey);
  });

  it('lets a restored identity keep talking on the same channel', () => {
    const parties = testParties();
    const restored = Identity.importSecret(parties.paris.exportSecret());
    const envelope = seal({
      sender: restored,
      recipient: parties.hub,
      type: 'ack',
      body: { upTo: 1 },
      seq: 0,
      timestamp: NOW,
    });
    expect(open(envelope, hubContext(parties)).ok).toBe(true);
  });

  it.each([
    ['an empty file', ''],
    ['text that is not JSON', 'signSeed=abc'],
    ['JSON of another shape', '{"partyId":"hub"}'],
    ['a JSON array', '[]'],
    ['null', 'null'],
  ])('refuses %s', (_, text) => {
    expect(() => Identity.importSecret(text)).toThrow(TypeError);
  });

  it('refuses a file of another format version, with extra fields, or with bad seeds', () => {
    const file = JSON.parse(Identity.generate('hub').exportSecret());
    const variants = [
      { ...file, format: 'econsulat-identity/v2' },
      { ...file, comment: 'backup' },
      { ...file, signSeed: file.signSeed.slice(0, -4) },
      { ...file, boxSeed: `${file.boxSeed}!` },
      { ...file, partyId: 'HUB' },
    ];
    for (const variant of variants)
      expect(() => Identity.importSecret(JSON.stringify(variant))).toThrow(TypeError);
  });

  it('refuses a file whose key id does not match its seeds', () => {
    const file = JSON.parse(Identity.generate('fr-paris').exportSecret());
    const mismatched = { ...file, keyId: Identity.generate('fr-paris').keyId };
    expect(() => Identity.importSecret(JSON.stringify(mismatched))).toThrow(TypeError);
  });
});

describe('secrets stay out of logs', () => {
  const signSeed = () => seed('log/sign');
  const boxSeed = () => seed('log/box');

  it('leaves the seeds and secret keys out of JSON.stringify', () => {
    const identity = Identity.fromSeeds('fr-paris', signSeed(), boxSeed());
    const texts = [JSON.stringify(identity), JSON.stringify({ context: { identity } }, null, 2)];
    for (const text of texts) {
      expect(text).toContain(identity.keyId);
      for (const form of secretForms(identity, signSeed(), boxSeed())) expect(text).not.toContain(form);
    }
  });

  it('leaves the seeds and secret keys out of util.inspect', () => {
    const identity = Identity.fromSeeds('fr-paris', signSeed(), boxSeed());
    const texts = [
      inspect(identity),
      inspect({ context: { identity } }, { depth: 10, showHidden: true }),
      `${inspect([identity])}`,
    ];
    for (const text of texts) {
      expect(text).toContain('fr-paris');
      for (const form of secretForms(identity, signSeed(), boxSeed())) expect(text).not.toContain(form);
    }
  });
});

describe('public identities as JSON', () => {
  it('round trips through publicIdentityToJson and publicIdentityFromJson', () => {
    const identity = Identity.generate('fr-paris').toPublic();
    const back = publicIdentityFromJson(JSON.parse(JSON.stringify(publicIdentityToJson(identity))));
    expect(back).toEqual(identity);
  });

  it('refuses keys that do not match the key id', () => {
    const a = publicIdentityToJson(Identity.generate('fr-paris').toPublic());
    const b = publicIdentityToJson(Identity.generate('fr-paris').toPublic());
    expect(() => publicIdentityFromJson({ ...a, boxPublicKey: b.boxPublicKey })).toThrow(TypeError);
  });

  it('derives the key id from both public keys', () => {
    const identity = Identity.generate('hub');
    expect(deriveKeyId(identity.signPublicKey, identity.boxPublicKey)).toBe(identity.keyId);
    expect(deriveKeyId(identity.boxPublicKey, identity.signPublicKey)).not.toBe(identity.keyId);
  });
});
