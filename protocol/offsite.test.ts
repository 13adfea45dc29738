import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from './encoding.js';
import { ready } from './index.js';
import { offsiteManifestSchema, offsiteStatusSchema } from './messages/offsite.js';
import {
  ADDRESS_BYTES,
  backupAckTopic,
  backupTopic,
  chunkAddress,
  decodeAckFrame,
  decodeChunkFrame,
  encodeAckFrame,
  encodeChunkFrame,
  joinAddresses,
  MAX_CHUNK_BYTES,
  recoveryKeyId,
  signOffsiteManifest,
  splitAddresses,
  verifyOffsiteManifest,
} from './offsite.js';
import { sodium } from './sodium.js';
import { testIdentity } from './test-fixtures.js';
import { parseTopic } from './topics.js';

beforeAll(ready);

const chunk = () => sodium.randombytes_buf(1000);

describe('off-site backup wire pieces', () => {
  it('addresses a chunk by its bytes: one flipped bit, another address', () => {
    const bytes = chunk();
    const address = chunkAddress(bytes);
    expect(address).toHaveLength(ADDRESS_BYTES);
    expect(chunkAddress(Uint8Array.from(bytes))).toEqual(address);
    bytes[500] = (bytes[500] ?? 0) ^ 1;
    expect(chunkAddress(bytes)).not.toEqual(address);
  });

  it('frames a chunk, and reads back only a chunk frame of an acceptable size', () => {
    const bytes = chunk();
    expect(decodeChunkFrame(encodeChunkFrame(bytes))).toEqual(bytes);
    expect(decodeChunkFrame(utf8('ECK1'))).toBeNull();
    expect(decodeChunkFrame(encodeAckFrame(3, [chunkAddress(bytes)]))).toBeNull();
    expect(() => encodeChunkFrame(new Uint8Array(MAX_CHUNK_BYTES + 1))).toThrow(RangeError);
    expect(() => encodeChunkFrame(new Uint8Array(0))).toThrow(RangeError);
  });

  it('frames acknowledgements with their generation, and refuses a torn one', () => {
    const addresses = [chunkAddress(chunk()), chunkAddress(chunk())];
    const frame = encodeAckFrame(70_000, addresses);
    expect(decodeAckFrame(frame)).toEqual({ generation: 70_000, addresses });
    expect(decodeAckFrame(frame.subarray(0, frame.length - 1))).toBeNull();
    expect(decodeAckFrame(encodeChunkFrame(chunk()))).toBeNull();
  });

  it('joins and splits address lists, refusing a partial address', () => {
    const addresses = [chunkAddress(chunk()), chunkAddress(chunk()), chunkAddress(chunk())];
    expect(splitAddresses(joinAddresses(addresses))).toEqual(addresses);
    expect(() => splitAddresses(toBase64Url(new Uint8Array(40)))).toThrow(RangeError);
    expect(() => joinAddresses([new Uint8Array(31)])).toThrow(RangeError);
  });

  it('verifies a manifest with the signing mission’s key only, and not once altered', () => {
    const paris = testIdentity('fr-paris');
    const dakar = testIdentity('sn-dakar');
    const recoveryKey = sodium.crypto_box_keypair().publicKey;
    const manifest = signOffsiteManifest(
      {
        missionId: 'fr-paris',
        generation: 4,
        createdAt: '2026-12-05T02:00:00.000Z',
        recoveryKeyId: recoveryKeyId(recoveryKey),
        keyEnvelope: toBase64Url(sodium.crypto_box_seal(utf8('keys'), recoveryKey)),
        manifestChunks: joinAddresses([chunkAddress(chunk())]),
        chunks: joinAddresses([chunkAddress(chunk())]),
        bytes: 1000,
      },
      paris,
    );
    expect(offsiteManifestSchema.parse(manifest)).toEqual(manifest);
    expect(verifyOffsiteManifest(manifest, paris.signPublicKey)).toBe(true);
    expect(verifyOffsiteManifest(manifest, dakar.signPublicKey)).toBe(false);
    const later: typeof manifest = { ...manifest, generation: 5 };
    const moved: typeof manifest = { ...manifest, missionId: 'sn-dakar' };
    expect(verifyOffsiteManifest(later, paris.signPublicKey)).toBe(false);
    expect(verifyOffsiteManifest(moved, paris.signPublicKey)).toBe(false);
  });

  it('names the recovery key by 16 hex digits that change with the key', () => {
    const one = recoveryKeyId(sodium.crypto_box_keypair().publicKey);
    expect(one).toMatch(/^[0-9a-f]{16}$/);
    expect(recoveryKeyId(sodium.crypto_box_keypair().publicKey)).not.toBe(one);
  });

  it('refuses a status that says missing with nothing missing', () => {
    expect(offsiteStatusSchema.safeParse({ state: 'missing', generation: 1, missing: '' }).success).toBe(
      false,
    );
    expect(offsiteStatusSchema.safeParse({ state: 'refused', generation: 1, reason: 'nope' }).success).toBe(
      false,
    );
  });

  it('has per-mission topics for chunks and their acknowledgements', () => {
    expect(parseTopic(backupTopic('fr-paris'))).toEqual({ missionId: 'fr-paris', kind: 'backup' });
    expect(parseTopic(backupAckTopic('fr-paris'))).toEqual({ missionId: 'fr-paris', kind: 'backup-ack' });
    expect(parseTopic('econsulat/v1/m/fr-paris/backups')).toBeNull();
  });
});
