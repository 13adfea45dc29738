import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelKeys } from '../protocol/channel-keys.js';
import {
  fromHex,
  Identity,
  type MessageBody,
  type MessageType,
  open,
  ready,
  seal,
  TrustStore,
  toHex,
  verifyCertificate,
  verifyEnrolmentRequest,
  verifyRevocationList,
} from '../protocol/index.js';

interface Vectors {
  parties: Record<
    string,
    { signSeed: string; boxSeed: string; keyId: string; signPublicKey: string; boxPublicKey: string }
  >;
  channelKeys: { from: string; to: string; aeadKey: string; macKey: string }[];
  envelopes: {
    name: string;
    from: string;
    to: string;
    type: MessageType;
    seq: number;
    timestamp: number;
    messageId: string;
    nonce: string;
    body: unknown;
    envelope: string;
  }[];
  enrolmentRequest: unknown;
  certificate: unknown;
  revocationList: unknown;
}

const vectors = JSON.parse(
  readFileSync(new URL('../protocol/vectors.json', import.meta.url), 'utf8'),
) as Vectors;
const identities = new Map<string, Identity>();

function party(id: string): Identity {
  const cached = identities.get(id);
  if (cached) return cached;
  const seeds = vectors.parties[id];
  if (!seeds) throw new Error(`no party ${id} in vectors`);
  const identity = Identity.fromSeeds(id, fromHex(seeds.signSeed), fromHex(seeds.boxSeed));
  identities.set(id, identity);
  return identity;
}

function trustAll(): TrustStore {
  const trust = new TrustStore();
  for (const id of Object.keys(vectors.parties)) {
    trust.trust({ identity: party(id).toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  }
  return trust;
}

describe('protocol/vectors.json', () => {
  beforeAll(ready);

  it('derives the published public keys and key ids from the seeds', () => {
    for (const [id, expected] of Object.entries(vectors.parties)) {
      const identity = party(id);
      expect(toHex(identity.signPublicKey)).toBe(expected.signPublicKey);
      expect(toHex(identity.boxPublicKey)).toBe(expected.boxPublicKey);
      expect(identity.keyId).toBe(expected.keyId);
    }
  });

  it('derives the published channel keys', () => {
    for (const expected of vectors.channelKeys) {
      const keys = channelKeys(party(expected.from), party(expected.to).toPublic(), true);
      expect(toHex(keys.aeadKey)).toBe(expected.aeadKey);
      expect(toHex(keys.macKey)).toBe(expected.macKey);
      const mirror = channelKeys(party(expected.to), party(expected.from).toPublic(), false);
      expect(toHex(mirror.aeadKey)).toBe(expected.aeadKey);
    }
  });

  it('seals uncompressed bodies to exactly the published bytes', () => {
    const fixed = vectors.envelopes.filter((v) => !v.name.includes('deflated'));
    expect(fixed.length).toBeGreaterThan(0);
    for (const v of fixed) {
      const bytes = seal({
        sender: party(v.from),
        recipient: party(v.to).toPublic(),
        type: v.type,
        body: v.body as MessageBody<typeof v.type>,
        seq: v.seq,
        timestamp: v.timestamp,
        messageId: v.messageId,
        nonce: fromHex(v.nonce),
      });
      expect(toHex(bytes), v.name).toBe(v.envelope);
    }
  });

  it('opens every published envelope to its header and body', () => {
    for (const v of vectors.envelopes) {
      const result = open(fromHex(v.envelope), { self: party(v.to), trust: trustAll(), now: v.timestamp });
      expect(result.ok, v.name).toBe(true);
      if (!result.ok) continue;
      expect(result.value.header).toMatchObject({
        from: v.from,
        to: v.to,
        seq: v.seq,
        messageId: v.messageId,
        timestamp: v.timestamp,
      });
      expect(result.value.body).toEqual(v.body);
    }
  });

  it('verifies the published enrolment request, certificate and revocation list', () => {
    const hub = party('hub').toPublic();
    expect(verifyEnrolmentRequest(vectors.enrolmentRequest)?.subject.keyId).toBe(
      vectors.parties['fr-paris']?.keyId,
    );
    expect(verifyCertificate(vectors.certificate, hub)?.subject.partyId).toBe('fr-paris');
    expect(verifyRevocationList(vectors.revocationList, hub)?.serial).toBe(1);
  });
});
