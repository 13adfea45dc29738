import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryReceiveState } from './channel.js';
import { concatBytes } from './encoding.js';
import { type OpenContext, open, seal } from './envelope.js';
import { refusalReasons } from './errors.js';
import { MAGIC, WIRE_VERSION } from './header.js';
import { ready } from './sodium.js';
import { eventsBatch, hubContext, NOW, type Parties, sampleBodies, testParties } from './test-fixtures.js';

const RUNS = 300;

let parties: Parties;
let valid: Uint8Array[];
let context: OpenContext;

beforeAll(async () => {
  await ready();
  parties = testParties();
  const bodies = sampleBodies(parties.hub, parties.yaounde.keyId);
  const base = { sender: parties.paris, recipient: parties.hub, timestamp: NOW - 5000 };
  valid = [
    seal({ ...base, type: 'ack', body: { upTo: 7 }, seq: 0 }),
    seal({ ...base, type: 'hello', body: bodies.hello, seq: 0 }),
    seal({ ...base, type: 'events.batch', body: eventsBatch(2), seq: 3 }),
    // Large enough to be deflated, so mutations also reach the inflate path's neighbours.
    seal({ ...base, type: 'events.batch', body: eventsBatch(40), seq: 4 }),
    seal({ ...base, type: 'registry.submission', body: bodies['registry.submission'], seq: 5 }),
    seal({
      ...base,
      sender: parties.yaounde,
      type: 'audit.checkpoint',
      body: bodies['audit.checkpoint'],
      seq: 1,
    }),
  ];
  context = hubContext(parties);
});

/** One edit of an envelope, applied to whichever envelope the run picked. */
type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'splice'; other: number; cutA: number; cutB: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }),
  fc.record({ kind: fc.constant('splice' as const), other: fc.nat(), cutA: fc.nat(), cutB: fc.nat() }),
);

function mutate(bytes: Uint8Array, edit: Mutation): Uint8Array {
  switch (edit.kind) {
    case 'flip': {
      const copy = Uint8Array.from(bytes);
      const at = edit.at % copy.length;
      copy[at] = (copy[at] ?? 0) ^ edit.mask;
      return copy;
    }
    case 'truncate':
      return bytes.slice(0, edit.keep % bytes.length);
    case 'insert': {
      const at = edit.at % (bytes.length + 1);
      return concatBytes(bytes.subarray(0, at), edit.bytes, bytes.subarray(at));
    }
    case 'splice': {
      const other = valid[edit.other % valid.length] ?? bytes;
      return concatBytes(
        bytes.subarray(0, edit.cutA % (bytes.length + 1)),
        other.subarray(edit.cutB % (other.length + 1)),
      );
    }
  }
}

function isOneOfTheValid(bytes: Uint8Array): boolean {
  return valid.some((envelope) => Buffer.from(envelope).equals(Buffer.from(bytes)));
}

/** open() must answer every input with a named refusal, never a throw. Returns the reason. */
function expectNamedRefusal(bytes: Uint8Array, openContext: OpenContext = context): string | undefined {
  let result: ReturnType<typeof open> | undefined;
  expect(() => {
    result = open(bytes, openContext);
  }).not.toThrow();
  expect(result?.ok).toBe(false);
  if (result && !result.ok) {
    expect(refusalReasons).toContain(result.reason);
    return result.reason;
  }
  return undefined;
}

describe('open() on hostile bytes', () => {
  it('opens every envelope of the pool the mutations start from', () => {
    for (const envelope of valid) expect(open(envelope, context).ok).toBe(true);
  });

  it('refuses random bytes with a named reason and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        expectNamedRefusal(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses random bytes behind a valid magic and version', () => {
    const prefix = concatBytes(MAGIC, Uint8Array.of(WIRE_VERSION));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        expectNamedRefusal(concatBytes(prefix, bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('never accepts a mutated envelope, whatever the edits', () => {
    const seen = new Set<string | undefined>();
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, edits) => {
        const original = valid[pick % valid.length] as Uint8Array;
        const mutated = edits.reduce(mutate, original);
        fc.pre(!isOneOfTheValid(mutated));
        seen.add(expectNamedRefusal(mutated));
      }),
      { numRuns: RUNS },
    );
    // The edits reach past the header parser into the MAC and the AEAD, not only the first check.
    expect(seen).toContain('malformed');
    expect(seen).toContain('decryption_failed');
    expect(seen).toContain('header_altered');
  });

  it('never accepts a single byte flip anywhere in an envelope', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (pick, at, mask) => {
        const original = valid[pick % valid.length] as Uint8Array;
        expectNamedRefusal(mutate(original, { kind: 'flip', at, mask }));
      }),
      { numRuns: RUNS },
    );
  });

  it('never accepts two valid envelopes spliced together', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), fc.nat(), (a, other, cutA, cutB) => {
        const original = valid[a % valid.length] as Uint8Array;
        const spliced = mutate(original, { kind: 'splice', other, cutA, cutB });
        fc.pre(!isOneOfTheValid(spliced));
        expectNamedRefusal(spliced);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses mutated envelopes the same way with a receive state and tight bounds', () => {
    const state = new MemoryReceiveState();
    const strict: OpenContext = {
      ...context,
      receiveState: state,
      maxEnvelopeBytes: 4096,
      maxBodyBytes: 2048,
      maxFutureSkewMs: 0,
    };
    fc.assert(
      fc.property(fc.nat(), mutation, (pick, edit) => {
        const mutated = mutate(valid[pick % valid.length] as Uint8Array, edit);
        fc.pre(!isOneOfTheValid(mutated));
        expectNamedRefusal(mutated, strict);
      }),
      { numRuns: RUNS },
    );
  });
});
