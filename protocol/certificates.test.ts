import { beforeAll, describe, expect, it } from 'vitest';
import {
  createEnrolmentRequest,
  issueCertificate,
  type RevocationEntry,
  signRevocationList,
  verifyCertificate,
  verifyEnrolmentRequest,
  verifyRevocationList,
} from './certificates.js';
import { open, seal } from './envelope.js';
import { publicIdentityToJson } from './keys.js';
import { ready } from './sodium.js';
import { DAY, eventsBatch, NOW, type Parties, testIdentity, testParties } from './test-fixtures.js';
import { TrustStore } from './trust.js';

let parties: Parties;

beforeAll(async () => {
  await ready();
  parties = testParties();
});

const validity = () => ({
  serial: 12,
  notBefore: new Date(NOW - DAY),
  notAfter: new Date(NOW + 365 * DAY),
  issuedAt: new Date(NOW),
});

function enrolParis() {
  const request = createEnrolmentRequest(
    parties.paris,
    'Ambassade de Centrafrique à Paris',
    new Date(NOW - DAY),
  );
  const verified = verifyEnrolmentRequest(JSON.parse(JSON.stringify(request)));
  if (!verified) throw new Error('request should verify');
  return { request, certificate: issueCertificate(parties.hub, verified.request, validity()) };
}

describe('enrolment', () => {
  it('takes a mission from request to a certificate the hub’s pinned keys verify', () => {
    const request = createEnrolmentRequest(parties.paris, 'Ambassade de Centrafrique à Paris', new Date(NOW));
    const verifiedRequest = verifyEnrolmentRequest(JSON.parse(JSON.stringify(request)));
    expect(verifiedRequest?.subject.keyId).toBe(parties.paris.keyId);

    const certificate = issueCertificate(parties.hub, request, validity());
    // Certificates travel as JSON files: verify what survives a round trip through text.
    const verified = verifyCertificate(JSON.parse(JSON.stringify(certificate)), parties.hub.toPublic());
    expect(verified).not.toBeNull();
    expect(verified?.subject.partyId).toBe('fr-paris');
    expect(verified?.subject.keyId).toBe(parties.paris.keyId);
    expect(verified?.subject.signPublicKey).toEqual(parties.paris.signPublicKey);
    expect(verified?.subject.boxPublicKey).toEqual(parties.paris.boxPublicKey);
    expect(verified?.certificate.serial).toBe(12);
  });

  it('lets the hub open messages from the keys a certificate vouches for', () => {
    const { certificate } = enrolParis();
    const verified = verifyCertificate(certificate, parties.hub.toPublic());
    if (!verified) throw new Error('certificate should verify');
    const trust = new TrustStore();
    trust.trust({
      identity: verified.subject,
      validFrom: Date.parse(verified.certificate.notBefore),
      validUntil: Date.parse(verified.certificate.notAfter),
    });
    const envelope = seal({
      sender: parties.paris,
      recipient: parties.hub,
      type: 'events.batch',
      body: eventsBatch(1),
      seq: 1,
      timestamp: NOW,
    });
    expect(open(envelope, { self: parties.hub, trust, now: NOW }).ok).toBe(true);
  });

  it('refuses an enrolment request whose fields were changed after signing', () => {
    const request = createEnrolmentRequest(parties.paris, 'Ambassade à Paris', new Date(NOW));
    expect(verifyEnrolmentRequest({ ...request, missionName: 'Ambassade à Londres' })).toBeNull();
  });

  it('refuses an enrolment request carrying keys other than the ones that signed it', () => {
    const request = createEnrolmentRequest(parties.paris, 'Ambassade à Paris', new Date(NOW));
    const impostor = publicIdentityToJson(testIdentity('fr-paris', 5).toPublic());
    expect(verifyEnrolmentRequest({ ...request, subject: impostor })).toBeNull();
  });

  it('refuses an enrolment request for the hub’s own party id', () => {
    const request = createEnrolmentRequest(parties.paris, 'Ambassade à Paris', new Date(NOW));
    expect(
      verifyEnrolmentRequest({ ...request, subject: { ...request.subject, partyId: 'hub' } }),
    ).toBeNull();
  });

  it('refuses garbage as an enrolment request', () => {
    expect(verifyEnrolmentRequest(null)).toBeNull();
    expect(verifyEnrolmentRequest('request')).toBeNull();
    expect(verifyEnrolmentRequest({})).toBeNull();
  });

  it('refuses to issue a certificate that ends before it starts', () => {
    const { request } = enrolParis();
    expect(() =>
      issueCertificate(parties.hub, request, { ...validity(), notAfter: new Date(NOW - DAY) }),
    ).toThrow(TypeError);
  });
});

describe('verifyCertificate()', () => {
  it('refuses a certificate whose validity was extended', () => {
    const { certificate } = enrolParis();
    const extended = { ...certificate, notAfter: new Date(NOW + 3650 * DAY).toISOString() };
    expect(verifyCertificate(extended, parties.hub.toPublic())).toBeNull();
  });

  it('refuses a certificate whose subject keys were swapped', () => {
    const { certificate } = enrolParis();
    const swapped = { ...certificate, subject: publicIdentityToJson(testIdentity('fr-paris', 7).toPublic()) };
    expect(verifyCertificate(swapped, parties.hub.toPublic())).toBeNull();
  });

  it('refuses a certificate with a corrupted signature', () => {
    const { certificate } = enrolParis();
    const last = certificate.signature.at(-2) === 'A' ? 'B' : 'A';
    const corrupted = { ...certificate, signature: `${certificate.signature.slice(0, -2)}${last}A` };
    expect(verifyCertificate(corrupted, parties.hub.toPublic())).toBeNull();
  });

  it('refuses a certificate checked against another hub', () => {
    const { certificate } = enrolParis();
    const otherHub = testIdentity('hub', 3);
    expect(verifyCertificate(certificate, otherHub.toPublic())).toBeNull();
    // Claiming the other hub as issuer does not help: its key did not sign.
    expect(
      verifyCertificate({ ...certificate, issuerKeyId: otherHub.keyId }, otherHub.toPublic()),
    ).toBeNull();
  });

  it('refuses a certificate issued by another hub', () => {
    const { request } = enrolParis();
    const rogue = issueCertificate(testIdentity('hub', 3), request, validity());
    expect(verifyCertificate(rogue, parties.hub.toPublic())).toBeNull();
  });

  it('refuses a certificate with unknown fields', () => {
    const { certificate } = enrolParis();
    expect(verifyCertificate({ ...certificate, admin: true }, parties.hub.toPublic())).toBeNull();
  });
});

describe('revocation lists', () => {
  const entry = (keyId: string, reason: RevocationEntry['reason'] = 'superseded'): RevocationEntry => ({
    partyId: 'fr-paris',
    keyId,
    revokedAt: new Date(NOW - DAY).toISOString(),
    reason,
  });

  it('verifies a list signed by the pinned hub', () => {
    const list = signRevocationList(parties.hub, 4, [entry(parties.paris.keyId)], new Date(NOW));
    expect(verifyRevocationList(JSON.parse(JSON.stringify(list)), parties.hub.toPublic())).toEqual(list);
  });

  it('refuses a list from which an entry was removed', () => {
    const list = signRevocationList(
      parties.hub,
      4,
      [entry(parties.paris.keyId), entry(parties.yaounde.keyId, 'compromised')],
      new Date(NOW),
    );
    const trimmed = { ...list, entries: list.entries.slice(0, 1) };
    expect(verifyRevocationList(trimmed, parties.hub.toPublic())).toBeNull();
  });

  it('refuses a list whose serial was raised to replace a newer one', () => {
    const list = signRevocationList(parties.hub, 4, [], new Date(NOW));
    expect(verifyRevocationList({ ...list, serial: 99 }, parties.hub.toPublic())).toBeNull();
  });

  it('refuses a list signed by another hub', () => {
    const list = signRevocationList(testIdentity('hub', 3), 4, [], new Date(NOW));
    expect(verifyRevocationList(list, parties.hub.toPublic())).toBeNull();
  });
});

describe('TrustStore revocations', () => {
  const revoke = (keyId: string): RevocationEntry => ({
    partyId: 'fr-paris',
    keyId,
    revokedAt: new Date(NOW).toISOString(),
    reason: 'superseded',
  });

  it('replaces the revocations wholesale with a newer list', () => {
    const store = new TrustStore();
    expect(store.revocationListSerial).toBe(-1);
    expect(store.applyRevocations(1, [revoke('a'.repeat(32))])).toBe(true);
    expect(store.applyRevocations(2, [revoke('b'.repeat(32))])).toBe(true);
    expect(store.revocation('a'.repeat(32))).toBeUndefined();
    expect(store.revocation('b'.repeat(32))?.reason).toBe('superseded');
    expect(store.revocationListSerial).toBe(2);
  });

  it('ignores an older or equal list delivered late', () => {
    const store = new TrustStore();
    store.applyRevocations(5, [revoke('b'.repeat(32))]);
    expect(store.applyRevocations(4, [revoke('a'.repeat(32))])).toBe(false);
    expect(store.applyRevocations(5, [])).toBe(false);
    expect(store.revocation('a'.repeat(32))).toBeUndefined();
    expect(store.revocation('b'.repeat(32))).toBeDefined();
    expect(store.revocationListSerial).toBe(5);
  });

  it('lists a party’s keys newest first and forgets a replaced one', () => {
    const store = new TrustStore();
    const older = testIdentity('fr-paris', 0).toPublic();
    const newer = testIdentity('fr-paris', 1).toPublic();
    store.trust({ identity: older, validFrom: NOW - 400 * DAY, validUntil: NOW });
    store.trust({ identity: newer, validFrom: NOW - DAY, validUntil: NOW + 365 * DAY });
    store.trust({ identity: parties.yaounde.toPublic(), validFrom: NOW, validUntil: NOW + DAY });
    expect(store.keysOf('fr-paris').map((key) => key.identity.keyId)).toEqual([newer.keyId, older.keyId]);
    store.forget('fr-paris', older.keyId);
    expect(store.lookup('fr-paris', older.keyId)).toBeUndefined();
    expect(store.lookup('fr-paris', newer.keyId)?.identity).toEqual(newer);
  });

  it('never offers a superseded key to seal to, though it still looks it up', () => {
    // A rotated mission's old key opens its backlog; the hub seals nothing more to it.
    const store = new TrustStore();
    const older = testIdentity('fr-paris', 0).toPublic();
    const newer = testIdentity('fr-paris', 1).toPublic();
    store.trust({ identity: older, validFrom: NOW - DAY, validUntil: NOW + 365 * DAY });
    store.trust({ identity: newer, validFrom: NOW - 400 * DAY, validUntil: NOW + 365 * DAY });
    store.applyRevocations(1, [
      {
        partyId: 'fr-paris',
        keyId: older.keyId,
        revokedAt: new Date(NOW).toISOString(),
        reason: 'superseded',
      },
    ]);
    expect(store.keysOf('fr-paris').map((key) => key.identity.keyId)).toEqual([newer.keyId]);
    expect(store.lookup('fr-paris', older.keyId)).toBeDefined();
  });

  it('does not answer a key id under another party’s name', () => {
    const store = new TrustStore();
    store.trust({ identity: parties.paris.toPublic(), validFrom: 0, validUntil: NOW + DAY });
    expect(store.lookup('cm-yaounde', parties.paris.keyId)).toBeUndefined();
  });
});
