/**
 * Test-only fixtures of the protocol suites: deterministic identities, trust stores, a realistic body
 * for every message type, and a low-level envelope builder that can produce what seal() refuses to
 * (bad signatures, bodies off schema) so open()'s refusals can be reached one by one.
 */
import { randomUUID } from 'node:crypto';
import { createEnrolmentRequest, issueCertificate, signRevocationList } from './certificates.js';
import { type ChannelKeys, channelKeys } from './channel-keys.js';
import { concatBytes, toBase64Url, utf8 } from './encoding.js';
import type { OpenContext } from './envelope.js';
import { decodeHeader, encodeHeader, type Header, WIRE_VERSION } from './header.js';
import { createKeyRotationRequest } from './key-rotation.js';
import { Identity, type PublicIdentity } from './keys.js';
import type { MessageBody, MessageType, MissionEvent } from './messages/index.js';
import { joinAddresses, recoveryKeyId, signOffsiteManifest } from './offsite.js';
import { sodium } from './sodium.js';
import { TrustStore } from './trust.js';

/** The receiver's clock in every suite: a fixed instant, so expiry and skew are exact. */
export const NOW = Date.parse('2026-11-20T09:30:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Mirrors envelope.ts: the byte layout an independent implementation would follow. */
const SIGNATURE_CONTEXT = utf8('econsulat/v1/envelope\n');
const MAC_BYTES = 16;
const NONCE_BYTES = 24;
const SIGNATURE_BYTES = 64;

/** 32 deterministic bytes from a label, so identities are the same on every run. */
export function seed(label: string): Uint8Array {
  return sodium.crypto_generichash(32, utf8(`test-seed/${label}`), null);
}

/** A deterministic identity; `generation` yields a different key pair for the same party (rotation). */
export function testIdentity(partyId: string, generation = 0): Identity {
  return Identity.fromSeeds(
    partyId,
    seed(`${partyId}/${generation}/sign`),
    seed(`${partyId}/${generation}/box`),
  );
}

/** The hub and two missions of the demo. */
export interface Parties {
  readonly hub: Identity;
  readonly paris: Identity;
  readonly yaounde: Identity;
}

export function testParties(): Parties {
  return { hub: testIdentity('hub'), paris: testIdentity('fr-paris'), yaounde: testIdentity('cm-yaounde') };
}

/** A trust store holding each key valid for a year either side of NOW, unless told otherwise. */
export function trustStoreOf(
  keys: readonly PublicIdentity[],
  validity: { validFrom?: number; validUntil?: number } = {},
): TrustStore {
  const store = new TrustStore();
  for (const identity of keys) {
    store.trust({
      identity,
      validFrom: validity.validFrom ?? NOW - 365 * DAY,
      validUntil: validity.validUntil ?? NOW + 365 * DAY,
    });
  }
  return store;
}

/** The hub's view of the world: it trusts both missions. */
export function hubContext(parties: Parties, overrides: Partial<OpenContext> = {}): OpenContext {
  return {
    self: parties.hub,
    trust: trustStoreOf([parties.paris.toPublic(), parties.yaounde.toPublic()]),
    now: NOW,
    ...overrides,
  };
}

/** A mission's view of the world: it trusts the hub's pinned keys only. */
export function missionContext(
  parties: Parties,
  self: Identity,
  overrides: Partial<OpenContext> = {},
): OpenContext {
  return { self, trust: trustStoreOf([parties.hub.toPublic()]), now: NOW, ...overrides };
}

/** One realistic mission event. */
export function sampleEvent(index: number, at = NOW): MissionEvent {
  return {
    id: randomUUID(),
    kind: 'appointment.booked',
    entity: 'appointment',
    entityId: `APT-2026-${String(index).padStart(6, '0')}`,
    at: new Date(at + index * 1000).toISOString(),
    data: {
      service: 'passport-renewal',
      slotStart: new Date(at + DAY + index * 15 * MINUTE).toISOString(),
      status: 'booked',
      channel: index % 3 === 0 ? 'counter' : 'portal',
      fee: { amountMinor: 6_500_000, currency: 'XAF' },
      applicant: { familyName: 'Ngaïkoumon', givenNames: 'Marie-Claire', phone: '+33612345678' },
    },
  };
}

/** The roll-call a directive may order (PROTOCOL.md, "Crisis roll-calls"). */
export function sampleRollCallOrder(): NonNullable<MessageBody<'directive'>['rollCall']> {
  return {
    title: 'Inondations à Douala',
    message: {
      fr: 'Êtes-vous en sécurité ? Répondez 1 (oui), 2 (besoin d’aide), 3 (hors zone).',
      sg: 'Âla yeke na nzönî ndo? 1, 2, 3.',
      en: 'Are you safe? Reply 1 (safe), 2 (need help), 3 (not in the zone).',
    },
    zone: { cities: ['Douala', 'Édéa'] },
    endsAt: new Date(NOW + 2 * DAY).toISOString(),
    needHelpList: true,
  };
}

/** A mission's `roll_call.counts` event: counts only. */
export function sampleRollCallCountsEvent(
  directiveId: string | null = '4f1c2b8e-6d3a-4e7f-9a0b-1c2d3e4f5a6b',
): MissionEvent {
  const countedAt = new Date(NOW + HOUR).toISOString();
  return {
    id: randomUUID(),
    kind: 'roll_call.counts',
    entity: 'roll_call',
    entityId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    at: countedAt,
    data: {
      title: 'Inondations à Douala',
      directiveId,
      state: 'open',
      startedAt: new Date(NOW).toISOString(),
      endsAt: new Date(NOW + 2 * DAY).toISOString(),
      closedAt: null,
      countedAt,
      people: 10_000,
      reached: 6_412,
      safe: 5_980,
      needHelp: 301,
      notInZone: 87,
      noAnswer: 3_588,
    },
  };
}

/** An events.batch body of `count` events. */
export function eventsBatch(count: number, at = NOW): MessageBody<'events.batch'> {
  return { events: Array.from({ length: count }, (_, i) => sampleEvent(i + 1, at)) };
}

/** A realistic body for every message type of messageSchemas. */
export function sampleBodies(hub: Identity, revokedKeyId: string): { [T in MessageType]: MessageBody<T> } {
  const iso = (offset = 0) => new Date(NOW + offset).toISOString();
  const directiveId = '4f1c2b8e-6d3a-4e7f-9a0b-1c2d3e4f5a6b';
  const submissionId = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
  return {
    hello: {
      softwareVersion: '0.1.0',
      protocolVersion: 1,
      backlog: { events: 1840, oldestAt: iso(-3 * DAY) },
      receivedUpTo: 57,
      sentUpTo: 1210,
      ackedUpTo: 1203,
    },
    ack: { upTo: 1203 },
    'resend.request': { from: 1204 },
    'channel.resync': { upFrom: 2211, recovered: 200 },
    'events.batch': { ...eventsBatch(3), records: 'c2VhbGVkIGNvcHk=' },
    'events.recovered': { events: eventsBatch(2).events, records: ['c2VhbGVkIGNvcHk='] },
    'stats.snapshot': {
      at: iso(),
      counters: { 'appointments.booked': 214, 'files.open': 88, 'payments.cash_xaf': 1_950_000 },
    },
    'audit.checkpoint': { at: iso(), length: 40_211, headHash: 'ab'.repeat(32) },
    directive: {
      directiveId,
      title: { fr: 'Fermeture exceptionnelle', sg: 'Kangango', en: 'Exceptional closure' },
      body: { fr: 'Les services consulaires seront fermés le 1er décembre (fête nationale).' },
      priority: 'high',
      target: ['fr-paris', 'cm-yaounde'],
      effectiveAt: iso(DAY),
      expiresAt: iso(12 * DAY),
      requiresAck: true,
      issuedBy: 'Direction des affaires consulaires',
      issuedAt: iso(),
    },
    'directive.receipt': { directiveId, receivedAt: iso(2000) },
    'directive.ack': {
      directiveId,
      acknowledgedAt: iso(HOUR),
      acknowledgedBy: 'consul.fr-paris',
      comment: 'Affiché au guichet.',
    },
    'catalogue.update': {
      version: 7,
      publishedAt: iso(),
      services: [
        {
          code: 'passport-renewal',
          category: 'passport',
          name: { fr: 'Renouvellement de passeport', en: 'Passport renewal' },
          description: { fr: 'Passeport biométrique, validité cinq ans.' },
          fees: [
            { amountMinor: 6_500_000, currency: 'XAF' },
            { amountMinor: 9_900, currency: 'EUR' },
          ],
          requiredDocuments: [{ fr: 'Ancien passeport' }, { fr: 'Acte de naissance' }],
          processingDaysTarget: 30,
          appointmentMinutes: 20,
          active: true,
        },
      ],
    },
    'registry.submission': {
      submissionId,
      kind: 'birth',
      recordId: 'TR-2026-000412',
      person: {
        givenNames: 'Grâce',
        familyName: 'Yakité',
        sex: 'F',
        birthDate: '2026-10-02',
        birthPlace: 'Paris 14e',
        fatherName: 'Jean Yakité',
        motherName: 'Odette Zanga',
      },
      eventDate: '2026-10-02',
      eventPlace: 'Paris',
      submittedAt: iso(),
      identityCheck: { documentKind: 'birth_certificate', checkedAt: iso() },
    },
    'registry.result': {
      submissionId,
      recordId: 'TR-2026-000412',
      decision: 'new',
      nationalId: 'RCA-2026-88812',
      score: 0.12,
      reasons: ['no candidate above threshold'],
      decidedAt: iso(DAY),
    },
    'revocation.list': {
      list: signRevocationList(
        hub,
        3,
        [{ partyId: 'fr-paris', keyId: revokedKeyId, revokedAt: iso(-DAY), reason: 'superseded' }],
        new Date(NOW),
      ),
    },
    'certificate.renewal': {
      certificate: issueCertificate(
        hub,
        createEnrolmentRequest(testIdentity('fr-paris'), 'Ambassade à Paris', new Date(NOW)),
        {
          serial: 7,
          notBefore: new Date(NOW),
          notAfter: new Date(NOW + 730 * DAY),
          issuedAt: new Date(NOW),
        },
      ),
    },
    'key.rotation': {
      rotation: createKeyRotationRequest(
        testIdentity('fr-paris'),
        testIdentity('fr-paris', 1),
        'Ambassade à Paris',
        new Date(NOW),
        1211,
      ),
    },
    ...offsiteBodies(iso()),
  };
}

/** Realistic off-site backup messages: a generation of two chunks, one of them still missing. */
function offsiteBodies(at: string) {
  const recoveryKey = sodium.crypto_generichash(32, utf8('recovery key'), null);
  const manifestChunk = sodium.crypto_generichash(32, utf8('manifest chunk'), null);
  const databaseChunk = sodium.crypto_generichash(32, utf8('database chunk'), null);
  return {
    'offsite.policy': {
      recoveryKey: toBase64Url(recoveryKey),
      recoveryKeyId: recoveryKeyId(recoveryKey),
      maxBytesPerSecond: 256 * 1024,
      issuedAt: at,
    },
    'offsite.manifest': signOffsiteManifest(
      {
        missionId: 'fr-paris',
        generation: 12,
        createdAt: at,
        recoveryKeyId: recoveryKeyId(recoveryKey),
        keyEnvelope: toBase64Url(sodium.crypto_box_seal(utf8('generation keys'), recoveryKey)),
        manifestChunks: joinAddresses([manifestChunk]),
        chunks: joinAddresses([manifestChunk, databaseChunk]),
        bytes: 131_072,
      },
      testIdentity('fr-paris'),
    ),
    'offsite.status': { state: 'missing', generation: 12, missing: joinAddresses([databaseChunk]) },
  } as const;
}

/** What lies inside an envelope once the recipient has decrypted it. */
export interface Unwrapped {
  readonly header: Header;
  readonly aad: Uint8Array;
  readonly mac: Uint8Array;
  readonly nonce: Uint8Array;
  readonly flags: number;
  readonly signature: Uint8Array;
  readonly payload: Uint8Array;
}

/** Decrypts an envelope with the recipient's channel keys (what any recipient is able to do). */
export function unwrap(envelope: Uint8Array, recipient: Identity, sender: PublicIdentity): Unwrapped {
  const decoded = decodeHeader(envelope);
  if (!decoded.ok) throw new Error(`fixture cannot decode the header: ${decoded.detail}`);
  const aad = envelope.slice(0, decoded.end);
  const rest = envelope.slice(decoded.end);
  const nonce = rest.slice(MAC_BYTES, MAC_BYTES + NONCE_BYTES);
  const keys = channelKeys(recipient, sender, false);
  const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
    null,
    rest.slice(MAC_BYTES + NONCE_BYTES),
    aad,
    nonce,
    keys.aeadKey,
  );
  return {
    header: decoded.header,
    aad,
    mac: rest.slice(0, MAC_BYTES),
    nonce,
    flags: plain[0] ?? 0,
    signature: plain.slice(1, 1 + SIGNATURE_BYTES),
    payload: plain.slice(1 + SIGNATURE_BYTES),
  };
}

/** What craftEnvelope builds. Anything not given is derived the way seal() derives it. */
export interface CraftInput {
  readonly header: Header;
  readonly payload: Uint8Array;
  /** Channel keys the MAC and AEAD use: `channelKeys(sender, recipient, true)` for an honest envelope. */
  readonly keys: ChannelKeys;
  /** Signs context ‖ header ‖ flags ‖ payload unless `signature` is given. */
  readonly signer?: Identity;
  readonly signature?: Uint8Array;
  readonly flags?: number;
}

/** Builds an envelope byte for byte, without seal()'s checks: for envelopes seal() would refuse to make. */
export function craftEnvelope(input: CraftInput): Uint8Array {
  const aad = encodeHeader(input.header);
  const flags = Uint8Array.of(input.flags ?? 0);
  let signature = input.signature;
  if (!signature) {
    if (!input.signer) throw new TypeError('craftEnvelope needs a signer or a signature');
    signature = sodium.crypto_sign_detached(
      concatBytes(SIGNATURE_CONTEXT, aad, flags, input.payload),
      input.signer.signSecretKey,
    );
  }
  const nonce = sodium.randombytes_buf(NONCE_BYTES);
  const mac = sodium.crypto_generichash(MAC_BYTES, aad, input.keys.macKey);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    concatBytes(flags, signature, input.payload),
    aad,
    null,
    nonce,
    input.keys.aeadKey,
  );
  return concatBytes(aad, mac, nonce, ciphertext);
}

/** A header as seal() would write it, with fields overridable. */
export function headerFor(
  sender: Identity,
  recipient: PublicIdentity,
  overrides: Partial<Header> = {},
): Header {
  return {
    version: WIRE_VERSION,
    messageId: sodium.to_hex(sodium.randombytes_buf(16)),
    type: 'events.batch',
    from: sender.partyId,
    to: recipient.partyId,
    seq: 1,
    timestamp: NOW,
    keyId: sender.keyId,
    ...overrides,
  };
}

/** A copy of the bytes with one byte XOR-ed. */
export function flipByte(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ mask;
  return copy;
}

/** Byte offsets of the header's fixed fields (header.ts: magic 2, version 1, message id 16, …). */
export const HEADER_OFFSETS = {
  version: 2,
  messageId: 3,
  seq: 19,
  timestamp: 27,
  keyId: 35,
  /** Length byte of the type, then its ASCII characters. */
  type: 51,
} as const;

/** The envelope with its header re-encoded with some fields changed, and the rest kept byte for byte. */
export function rewriteHeader(envelope: Uint8Array, changes: Partial<Header>): Uint8Array {
  const decoded = decodeHeader(envelope);
  if (!decoded.ok) throw new Error(`fixture cannot decode the header: ${decoded.detail}`);
  return concatBytes(encodeHeader({ ...decoded.header, ...changes }), envelope.subarray(decoded.end));
}
