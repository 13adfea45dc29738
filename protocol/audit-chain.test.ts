import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, auditChainHashes, auditChainStep } from './audit-chain.js';
import { open, seal } from './envelope.js';
import { auditCheckpointSchema, MAX_AUDIT_DIGESTS } from './messages/index.js';
import { ready } from './sodium.js';
import { hubContext, NOW, type Parties, testParties } from './test-fixtures.js';

let parties: Parties;
beforeAll(async () => {
  await ready();
  parties = testParties();
});

const at = new Date(NOW).toISOString();
const digest = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

describe('audit chain, version 2', () => {
  // Computed apart, with Python's hashlib.blake2b(prev + digest, digest_size=32).
  it('hashes the previous head and the entry digest as raw bytes with BLAKE2b-256', () => {
    const first = auditChainStep(AUDIT_GENESIS_HASH, '11'.repeat(32));
    expect(first).toBe('04422c9487f442300bf68985ccf6aa95843dffa3c16f4b0003ee06a54bcb9c12');
    expect(auditChainStep(first, '22'.repeat(32))).toBe(
      '53f989c806a9aa5dfb3f02dd58548325a1003e41356bd5546f9df15a741bb4cf',
    );
  });

  it('walks a head through every digest, one hash per entry', () => {
    const hashes = auditChainHashes(AUDIT_GENESIS_HASH, [digest(0x11), digest(0x22)]);
    expect(hashes).toEqual([
      '04422c9487f442300bf68985ccf6aa95843dffa3c16f4b0003ee06a54bcb9c12',
      '53f989c806a9aa5dfb3f02dd58548325a1003e41356bd5546f9df15a741bb4cf',
    ]);
    expect(auditChainHashes(AUDIT_GENESIS_HASH, [])).toEqual([]);
  });
});

describe('audit.checkpoint body', () => {
  const head = { at, length: 7, headHash: 'ab'.repeat(32) };

  it('accepts an older node’s checkpoint, with neither since nor digests', () => {
    expect(auditCheckpointSchema.safeParse(head).success).toBe(true);
  });

  it('accepts one digest per entry after since', () => {
    const body = {
      ...head,
      since: { length: 5, headHash: 'cd'.repeat(32) },
      digests: [digest(1), digest(2)],
    };
    expect(auditCheckpointSchema.safeParse(body).success).toBe(true);
    expect(auditCheckpointSchema.safeParse({ ...body, length: 5, digests: [] }).success).toBe(true);
  });

  it.each([
    ['since without digests', { since: { length: 5, headHash: 'cd'.repeat(32) } }],
    ['digests without since', { digests: [digest(1), digest(2)] }],
    ['a digest too few', { since: { length: 5, headHash: 'cd'.repeat(32) }, digests: [digest(1)] }],
    ['a base past the head', { since: { length: 9, headHash: 'cd'.repeat(32) }, digests: [] }],
    [
      'a digest that is not hex',
      { since: { length: 6, headHash: 'cd'.repeat(32) }, digests: ['x'.repeat(64)] },
    ],
  ])('refuses %s', (_name, extra) => {
    expect(auditCheckpointSchema.safeParse({ ...head, ...extra }).success).toBe(false);
  });

  it('bounds the digests of one checkpoint, and the largest fits in an envelope', () => {
    const digests = Array.from({ length: MAX_AUDIT_DIGESTS }, (_, i) =>
      auditChainStep(AUDIT_GENESIS_HASH, digest(i % 256)),
    );
    const since = { length: 100, headHash: 'cd'.repeat(32) };
    const largest = { at, length: 100 + MAX_AUDIT_DIGESTS, headHash: 'ab'.repeat(32), since, digests };
    expect(auditCheckpointSchema.safeParse(largest).success).toBe(true);
    const tooMany = { ...largest, length: largest.length + 1, digests: [...digests, digest(1)] };
    expect(auditCheckpointSchema.safeParse(tooMany).success).toBe(false);

    const envelope = seal({
      sender: parties.paris,
      recipient: parties.hub,
      type: 'audit.checkpoint',
      body: largest,
      seq: 3,
      timestamp: NOW,
    });
    expect(envelope.byteLength).toBeLessThan(512 * 1024);
    expect(open(envelope, hubContext(parties))).toMatchObject({ ok: true });
  });
});
