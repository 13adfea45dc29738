import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryReceiveState } from './channel.js';
import { channelKeys } from './channel-keys.js';
import { concatBytes, utf8 } from './encoding.js';
import { type OpenContext, open, type SealInput, seal } from './envelope.js';
import { type RefusalReason, refusalReasons } from './errors.js';
import { ready } from './sodium.js';
import {
  craftEnvelope,
  DAY,
  eventsBatch,
  flipByte,
  HEADER_OFFSETS,
  HOUR,
  headerFor,
  hubContext,
  MINUTE,
  missionContext,
  NOW,
  type Parties,
  rewriteHeader,
  sampleBodies,
  testIdentity,
  testParties,
  trustStoreOf,
  unwrap,
} from './test-fixtures.js';

let parties: Parties;

beforeAll(async () => {
  await ready();
  parties = testParties();
});

/** An events.batch from Paris to the hub, sealed at `timestamp`. */
function parisToHub(overrides: Partial<SealInput<'events.batch'>> = {}): Uint8Array {
  return seal({
    sender: parties.paris,
    recipient: parties.hub,
    type: 'events.batch',
    body: eventsBatch(2),
    seq: 1,
    timestamp: NOW,
    ...overrides,
  });
}

function expectRefused(bytes: Uint8Array, context: OpenContext, reason: RefusalReason) {
  const result = open(bytes, context);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toBe(reason);
  return result;
}

describe('open() refusals', () => {
  it('accepts the untouched envelope the refusal cases start from', () => {
    expect(open(parisToHub(), hubContext(parties)).ok).toBe(true);
  });

  describe('malformed', () => {
    it('refuses bytes that do not start with the magic', () => {
      expectRefused(utf8('{"type":"events.batch"}'), hubContext(parties), 'malformed');
    });

    it('refuses an envelope cut off right after its header', () => {
      const envelope = parisToHub();
      const headerEnd = unwrap(envelope, parties.hub, parties.paris).aad.length;
      // MAC, nonce, flags, signature and AEAD tag take 16 + 24 + 1 + 64 + 16 bytes; 120 is one short.
      expectRefused(envelope.subarray(0, headerEnd + 120), hubContext(parties), 'malformed');
      expectRefused(envelope.subarray(0, headerEnd), hubContext(parties), 'malformed');
    });

    it('refuses a header naming a message type the protocol does not have', () => {
      const envelope = craftEnvelope({
        header: headerFor(parties.paris, parties.hub, { type: 'events.delete' }),
        payload: utf8('{}'),
        keys: channelKeys(parties.paris, parties.hub, true),
        signer: parties.paris,
      });
      expectRefused(envelope, hubContext(parties), 'malformed');
    });

    it('refuses a correctly signed body that does not match its schema', () => {
      const envelope = craftEnvelope({
        header: headerFor(parties.paris, parties.hub),
        payload: utf8(JSON.stringify({ events: [] })),
        keys: channelKeys(parties.paris, parties.hub, true),
        signer: parties.paris,
      });
      expectRefused(envelope, hubContext(parties), 'malformed');
    });

    it('refuses a correctly signed body that is not UTF-8 JSON', () => {
      const envelope = craftEnvelope({
        header: headerFor(parties.paris, parties.hub),
        payload: Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d),
        keys: channelKeys(parties.paris, parties.hub, true),
        signer: parties.paris,
      });
      expectRefused(envelope, hubContext(parties), 'malformed');
    });

    it('refuses a control message type carrying a channel sequence', () => {
      const envelope = craftEnvelope({
        header: headerFor(parties.paris, parties.hub, { type: 'ack', seq: 5 }),
        payload: utf8(JSON.stringify({ upTo: 4 })),
        keys: channelKeys(parties.paris, parties.hub, true),
        signer: parties.paris,
      });
      expectRefused(envelope, hubContext(parties), 'malformed');
    });

    it('refuses unknown flag bits', () => {
      const envelope = craftEnvelope({
        header: headerFor(parties.paris, parties.hub),
        payload: utf8(JSON.stringify(eventsBatch(1))),
        keys: channelKeys(parties.paris, parties.hub, true),
        signer: parties.paris,
        flags: 0x80,
      });
      expectRefused(envelope, hubContext(parties), 'malformed');
    });
  });

  it('refuses a wire version it does not speak as unknown_version', () => {
    const envelope = parisToHub();
    envelope[HEADER_OFFSETS.version] = 2;
    expectRefused(envelope, hubContext(parties), 'unknown_version');
  });

  describe('unknown_sender', () => {
    it('refuses a sender that is not enrolled', () => {
      const stranger = testIdentity('ga-libreville');
      const envelope = seal({
        sender: stranger,
        recipient: parties.hub,
        type: 'events.batch',
        body: eventsBatch(1),
        seq: 1,
        timestamp: NOW,
      });
      expectRefused(envelope, hubContext(parties), 'unknown_sender');
    });

    it('refuses an enrolled mission signing with a key the hub never certified', () => {
      const rogueParis = testIdentity('fr-paris', 9);
      expectRefused(parisToHub({ sender: rogueParis }), hubContext(parties), 'unknown_sender');
    });
  });

  describe('revoked_key', () => {
    const revokedAt = new Date(NOW - DAY).toISOString();

    function revokedContext(reason: 'superseded' | 'compromised' | 'retired'): OpenContext {
      const trust = trustStoreOf([parties.paris.toPublic()]);
      trust.applyRevocations(1, [{ partyId: 'fr-paris', keyId: parties.paris.keyId, revokedAt, reason }]);
      return hubContext(parties, { trust });
    }

    it('delivers a message a superseded key signed before its revocation', () => {
      // A mission that was offline for days still flushes its backlog after a key rotation.
      const result = open(parisToHub({ timestamp: NOW - DAY - 1 }), revokedContext('superseded'));
      expect(result.ok).toBe(true);
    });

    it('refuses a message a superseded key signed at or after its revocation', () => {
      const context = revokedContext('superseded');
      expectRefused(parisToHub({ timestamp: NOW - DAY }), context, 'revoked_key');
      expectRefused(parisToHub({ timestamp: NOW }), context, 'revoked_key');
    });

    it('refuses a message of a retired key signed after its retirement', () => {
      expectRefused(parisToHub({ timestamp: NOW }), revokedContext('retired'), 'revoked_key');
    });

    it('refuses a compromised key whatever timestamp the message claims', () => {
      // Whoever holds a stolen key also chooses the timestamp: back-dating must not help.
      const context = revokedContext('compromised');
      expectRefused(parisToHub({ timestamp: NOW - 200 * DAY }), context, 'revoked_key');
      expectRefused(parisToHub({ timestamp: NOW }), context, 'revoked_key');
    });
  });

  describe('key_superseded', () => {
    const rotatedAt = new Date(NOW - DAY).toISOString();

    function rotatedContext(lastSeq: number): OpenContext {
      const trust = trustStoreOf([parties.paris.toPublic()]);
      trust.applyRevocations(1, [
        {
          partyId: 'fr-paris',
          keyId: parties.paris.keyId,
          revokedAt: rotatedAt,
          reason: 'superseded',
          lastSeq,
        },
      ]);
      return hubContext(parties, { trust });
    }

    it('delivers what the old key sealed up to the rotation’s sequence, even timestamped after it', () => {
      // A backlog sealed before the rotation must never be stranded, whatever the node's clock said.
      expect(open(parisToHub({ seq: 7, timestamp: NOW }), rotatedContext(7)).ok).toBe(true);
    });

    it('refuses a message the old key sealed after the rotation, however it is backdated', () => {
      const context = rotatedContext(7);
      expectRefused(parisToHub({ seq: 8, timestamp: NOW }), context, 'key_superseded');
      expectRefused(parisToHub({ seq: 8, timestamp: NOW - 300 * DAY }), context, 'key_superseded');
    });

    it('refuses a control message of the old key timestamped at or after the rotation', () => {
      const hello = (timestamp: number) =>
        seal({
          sender: parties.paris,
          recipient: parties.hub,
          type: 'ack',
          body: { upTo: 0 },
          seq: 0,
          timestamp,
        });
      expectRefused(hello(NOW - DAY), rotatedContext(7), 'key_superseded');
      expect(open(hello(NOW - DAY - 1), rotatedContext(7)).ok).toBe(true);
    });
  });

  describe('expired_key', () => {
    const validity = { validFrom: NOW - 30 * DAY, validUntil: NOW + 30 * DAY };

    it('refuses a message timestamped before the certificate was valid', () => {
      const context = hubContext(parties, { trust: trustStoreOf([parties.paris.toPublic()], validity) });
      expectRefused(parisToHub({ timestamp: NOW - 31 * DAY }), context, 'expired_key');
    });

    it('refuses a message timestamped after the certificate expired', () => {
      const context = hubContext(parties, {
        trust: trustStoreOf([parties.paris.toPublic()], validity),
        now: NOW + 31 * DAY,
      });
      expectRefused(parisToHub({ timestamp: NOW + 31 * DAY }), context, 'expired_key');
    });

    it('refuses, without throwing, a timestamp beyond what Date can represent', () => {
      // The largest u64 that decodes is 2^53-1 ms, past Date's ±8.64e15 ms range.
      const envelope = parisToHub({ timestamp: Number.MAX_SAFE_INTEGER });
      expectRefused(envelope, hubContext(parties), 'expired_key');
    });
  });

  describe('wrong_recipient', () => {
    it('refuses a message to mission A re-published on mission B (surreptitious forwarding)', () => {
      const toParis = seal({
        sender: parties.hub,
        recipient: parties.paris,
        type: 'ack',
        body: { upTo: 3 },
        seq: 0,
        timestamp: NOW,
      });
      expect(open(toParis, missionContext(parties, parties.paris)).ok).toBe(true);
      expectRefused(toParis, missionContext(parties, parties.yaounde), 'wrong_recipient');
    });

    it('refuses a mission message replayed back to the mission that sent it', () => {
      expectRefused(parisToHub(), missionContext(parties, parties.paris), 'wrong_recipient');
    });
  });

  describe('header_altered', () => {
    it('refuses an envelope whose sequence number was changed', () => {
      const envelope = parisToHub({ seq: 41 });
      expectRefused(flipByte(envelope, HEADER_OFFSETS.seq + 7, 0x02), hubContext(parties), 'header_altered');
    });

    it('refuses an envelope whose timestamp was changed', () => {
      const envelope = parisToHub();
      expectRefused(
        flipByte(envelope, HEADER_OFFSETS.timestamp + 6, 0x10),
        hubContext(parties),
        'header_altered',
      );
    });

    it('refuses an envelope whose type was changed to another valid type', () => {
      const result = seal({
        sender: parties.hub,
        recipient: parties.paris,
        type: 'registry.result',
        body: sampleBodies(parties.hub, parties.yaounde.keyId)['registry.result'],
        seq: 4,
        timestamp: NOW,
      });
      // registry.result and revocation.list have the same length: the retyped header still decodes.
      const retyped = Uint8Array.from(result);
      retyped.set(utf8('revocation.list'), HEADER_OFFSETS.type + 1);
      expectRefused(retyped, missionContext(parties, parties.paris), 'header_altered');
    });

    it('refuses a one-byte change of the type as malformed, before any key is used', () => {
      // A flipped character names no known type, and the type is checked before the MAC.
      const envelope = parisToHub();
      expectRefused(flipByte(envelope, HEADER_OFFSETS.type + 1, 0x20), hubContext(parties), 'malformed');
    });

    it('refuses a message to mission A whose recipient was rewritten to mission B', () => {
      const toParis = seal({
        sender: parties.hub,
        recipient: parties.paris,
        type: 'ack',
        body: { upTo: 3 },
        seq: 0,
        timestamp: NOW,
      });
      const redirected = rewriteHeader(toParis, { to: 'cm-yaounde' });
      expectRefused(redirected, missionContext(parties, parties.yaounde), 'header_altered');
    });

    it('refuses an envelope whose message id was changed', () => {
      const envelope = parisToHub();
      expectRefused(flipByte(envelope, HEADER_OFFSETS.messageId), hubContext(parties), 'header_altered');
    });

    it('refuses an envelope sealed to a previous key of the recipient', () => {
      // The channel keys come from the recipient's X25519 key, so the header MAC is the first
      // check to fail: this is header_altered, not decryption_failed.
      const oldHub = testIdentity('hub', 1);
      const envelope = parisToHub({ recipient: oldHub });
      expectRefused(envelope, hubContext(parties), 'header_altered');
    });
  });

  describe('decryption_failed', () => {
    it('refuses an envelope with one ciphertext byte flipped', () => {
      const envelope = parisToHub();
      expectRefused(flipByte(envelope, envelope.length - 40), hubContext(parties), 'decryption_failed');
    });

    it('refuses an envelope with its authentication tag flipped', () => {
      const envelope = parisToHub();
      expectRefused(flipByte(envelope, envelope.length - 1), hubContext(parties), 'decryption_failed');
    });

    it('refuses an envelope with its nonce changed', () => {
      const envelope = parisToHub();
      const nonceAt = unwrap(envelope, parties.hub, parties.paris).aad.length + 16;
      expectRefused(flipByte(envelope, nonceAt + 3), hubContext(parties), 'decryption_failed');
    });
  });

  describe('bad_signature', () => {
    it('refuses a payload whose signature was altered inside a valid AEAD', () => {
      // The recipient holds the channel keys, so it can re-encrypt anything: only the signature
      // proves the sender wrote it.
      const inner = unwrap(parisToHub(), parties.hub, parties.paris);
      const forged = craftEnvelope({
        header: inner.header,
        payload: inner.payload,
        flags: inner.flags,
        signature: flipByte(inner.signature, 10),
        keys: channelKeys(parties.paris, parties.hub, true),
      });
      expectRefused(forged, hubContext(parties), 'bad_signature');
    });

    it('refuses a payload signed by a key other than the one the header names', () => {
      const forged = craftEnvelope({
        header: headerFor(parties.paris, parties.hub),
        payload: utf8(JSON.stringify(eventsBatch(1))),
        keys: channelKeys(parties.paris, parties.hub, true),
        signer: parties.yaounde,
      });
      expectRefused(forged, hubContext(parties), 'bad_signature');
    });

    it("refuses a recipient re-encrypting the sender's signed payload under its own identity", () => {
      // Paris sends the hub an events batch; the hub re-wraps Paris's signed payload as its
      // own message to Yaoundé. The header MAC and AEAD verify (the hub owns that channel), but the
      // signature covered Paris's header and is checked against the hub's key: bad_signature.
      const original = parisToHub();
      const inner = unwrap(original, parties.hub, parties.paris);
      const forwarded = craftEnvelope({
        header: headerFor(parties.hub, parties.yaounde, { seq: 1 }),
        payload: inner.payload,
        flags: inner.flags,
        signature: inner.signature,
        keys: channelKeys(parties.hub, parties.yaounde, true),
      });
      expectRefused(forwarded, missionContext(parties, parties.yaounde), 'bad_signature');
    });

    it('refuses a forwarder that keeps the original sender in the header', () => {
      // Kept as from: fr-paris, the hub cannot compute Paris→Yaoundé's MAC key (it needs one of their
      // X25519 secrets), so even a receiver that trusted Paris sees header_altered.
      const inner = unwrap(parisToHub(), parties.hub, parties.paris);
      const forwarded = craftEnvelope({
        header: { ...inner.header, to: 'cm-yaounde' },
        payload: inner.payload,
        flags: inner.flags,
        signature: inner.signature,
        keys: channelKeys(parties.hub, parties.yaounde, true),
      });
      const trustingParis = missionContext(parties, parties.yaounde, {
        trust: trustStoreOf([parties.hub.toPublic(), parties.paris.toPublic()]),
      });
      expectRefused(forwarded, trustingParis, 'header_altered');
      // A node trusts only the hub, so in the deployed network the lookup refuses it first.
      expectRefused(forwarded, missionContext(parties, parties.yaounde), 'unknown_sender');
    });
  });

  describe('duplicate', () => {
    it('refuses a replay of an already applied sequenced message', () => {
      const state = new MemoryReceiveState();
      const first = parisToHub({ seq: 1 });
      const context = hubContext(parties, { receiveState: state });
      expect(open(first, context).ok).toBe(true);
      state.record('fr-paris', { action: 'apply', advanceTo: 1 });
      state.record('fr-paris', { action: 'apply', advanceTo: 2 });
      expectRefused(first, context, 'duplicate');
      expectRefused(parisToHub({ seq: 2, timestamp: NOW + 5 }), context, 'duplicate');
      expect(open(parisToHub({ seq: 3 }), context).ok).toBe(true);
    });

    it('refuses a replay of an old control message', () => {
      const state = new MemoryReceiveState();
      const context = hubContext(parties, { receiveState: state });
      const ack = (timestamp: number) =>
        seal({
          sender: parties.paris,
          recipient: parties.hub,
          type: 'ack',
          body: { upTo: 9 },
          seq: 0,
          timestamp,
        });
      const older = ack(NOW - 10 * MINUTE);
      const taken = ack(NOW - MINUTE);
      expect(open(older, context).ok).toBe(true);
      expect(open(taken, context).ok).toBe(true);
      state.record('fr-paris', { action: 'control', takenAt: NOW - MINUTE });
      expectRefused(older, context, 'duplicate');
      expectRefused(taken, context, 'duplicate');
      expect(open(ack(NOW), context).ok).toBe(true);
    });

    it('keeps each sender’s channel apart', () => {
      const state = new MemoryReceiveState();
      state.record('cm-yaounde', { action: 'apply', advanceTo: 10 });
      expect(open(parisToHub({ seq: 1 }), hubContext(parties, { receiveState: state })).ok).toBe(true);
    });
  });

  describe('clock_skew', () => {
    it('accepts a message timestamped 60 days in the past', () => {
      // A node cut off for two months sends its backlog with the times it was sealed.
      expect(open(parisToHub({ timestamp: NOW - 60 * DAY }), hubContext(parties)).ok).toBe(true);
    });

    it('refuses a message timestamped an hour in the future', () => {
      expectRefused(parisToHub({ timestamp: NOW + HOUR }), hubContext(parties), 'clock_skew');
    });

    it('accepts a timestamp exactly at the future bound and refuses one millisecond past it', () => {
      const context = hubContext(parties, { maxFutureSkewMs: 2 * MINUTE });
      expect(open(parisToHub({ timestamp: NOW + 2 * MINUTE }), context).ok).toBe(true);
      expectRefused(parisToHub({ timestamp: NOW + 2 * MINUTE + 1 }), context, 'clock_skew');
    });
  });

  describe('too_large', () => {
    it('refuses an envelope over maxEnvelopeBytes before reading it', () => {
      const envelope = parisToHub();
      expectRefused(envelope, hubContext(parties, { maxEnvelopeBytes: envelope.length - 1 }), 'too_large');
    });

    it('refuses a compressed body that inflates past maxBodyBytes', () => {
      const body = eventsBatch(200);
      const json = utf8(JSON.stringify(body)).length;
      const envelope = parisToHub({ body });
      expect(envelope.length).toBeLessThan(json / 2);
      expectRefused(envelope, hubContext(parties, { maxBodyBytes: json - 1 }), 'too_large');
      expect(open(envelope, hubContext(parties, { maxBodyBytes: json })).ok).toBe(true);
    });

    it('refuses an uncompressed body over maxBodyBytes', () => {
      const body = { events: eventsBatch(1).events };
      const envelope = parisToHub({ body });
      const size = utf8(JSON.stringify(body)).length;
      expectRefused(envelope, hubContext(parties, { maxBodyBytes: size - 1 }), 'too_large');
    });

    it('refuses a deflate bomb at the bound instead of inflating it', () => {
      // 8 MB of one repeated byte deflates to a few kilobytes.
      const payload = new Uint8Array(
        deflateRawSync(concatBytes(utf8('{"events":["'), new Uint8Array(8 << 20).fill(0x61), utf8('"]}'))),
      );
      const envelope = craftEnvelope({
        header: headerFor(parties.paris, parties.hub),
        payload,
        flags: 0x01,
        keys: channelKeys(parties.paris, parties.hub, true),
        signer: parties.paris,
      });
      expect(envelope.length).toBeLessThan(64 * 1024);
      expectRefused(envelope, hubContext(parties, { maxBodyBytes: 1 << 20 }), 'too_large');
    });
  });

  it('names exactly the refusal reasons of errors.ts, each tested above', () => {
    // A reason added to errors.ts fails here until it has its own test in this file.
    const covered: RefusalReason[] = [
      'malformed',
      'unknown_version',
      'unknown_sender',
      'revoked_key',
      'key_superseded',
      'expired_key',
      'wrong_recipient',
      'header_altered',
      'decryption_failed',
      'bad_signature',
      'duplicate',
      'clock_skew',
      'too_large',
    ];
    expect([...covered].sort()).toEqual([...refusalReasons].sort());
  });
});
