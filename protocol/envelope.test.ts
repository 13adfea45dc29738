import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from './encoding.js';
import { open, seal } from './envelope.js';
import type { Identity } from './keys.js';
import {
  controlMessageTypes,
  type MessageBody,
  type MessageType,
  messageDirections,
  messageSchemas,
} from './messages/index.js';
import { ready } from './sodium.js';
import {
  eventsBatch,
  hubContext,
  missionContext,
  NOW,
  type Parties,
  sampleBodies,
  testParties,
  unwrap,
} from './test-fixtures.js';

let parties: Parties;
let bodies: ReturnType<typeof sampleBodies>;

beforeAll(async () => {
  await ready();
  parties = testParties();
  bodies = sampleBodies(parties.hub, parties.yaounde.keyId);
});

const allTypes = Object.keys(messageSchemas) as MessageType[];

/** Sender and recipient of a type in the direction it travels; `both` is tried from a mission. */
function endsOf(type: MessageType): { sender: Identity; recipient: Identity; up: boolean } {
  const up = messageDirections[type] !== 'down';
  return up
    ? { sender: parties.paris, recipient: parties.hub, up }
    : { sender: parties.hub, recipient: parties.paris, up };
}

describe('seal() and open() round trip', () => {
  it.each(allTypes)('delivers a %s with its body and header intact', (type) => {
    const { sender, recipient, up } = endsOf(type);
    const seq = controlMessageTypes.has(type) ? 0 : 17;
    const body: MessageBody<MessageType> = bodies[type];
    const envelope = seal({ sender, recipient, type, body, seq, timestamp: NOW - 1000 });
    const context = up ? hubContext(parties) : missionContext(parties, parties.paris);
    const result = open(envelope, context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.type).toBe(type);
    expect(result.value.body).toEqual(body);
    expect(result.value.header).toMatchObject({
      version: 1,
      type,
      from: sender.partyId,
      to: recipient.partyId,
      seq,
      timestamp: NOW - 1000,
      keyId: sender.keyId,
    });
  });

  it('covers every message type with a sample body', () => {
    expect(Object.keys(bodies).sort()).toEqual([...allTypes].sort());
  });

  it('gives each envelope a fresh message id and nonce', () => {
    const input = {
      sender: parties.paris,
      recipient: parties.hub,
      type: 'ack' as const,
      body: { upTo: 1 },
      seq: 0,
      timestamp: NOW,
    };
    const a = seal(input);
    const b = seal(input);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    const [openedA, openedB] = [open(a, hubContext(parties)), open(b, hubContext(parties))];
    if (!openedA.ok || !openedB.ok) throw new Error('both should open');
    expect(openedA.value.header.messageId).not.toBe(openedB.value.header.messageId);
  });

  it('is deterministic once the message id and nonce are fixed', () => {
    const input = {
      sender: parties.hub,
      recipient: parties.paris,
      type: 'resend.request' as const,
      body: { from: 12 },
      seq: 0,
      timestamp: NOW,
      messageId: '00112233445566778899aabbccddeeff',
      nonce: new Uint8Array(24).fill(7),
    };
    expect(seal(input)).toEqual(seal(input));
  });

  it('keeps the body out of the envelope’s clear bytes', () => {
    const envelope = seal({
      sender: parties.paris,
      recipient: parties.hub,
      type: 'registry.submission',
      body: bodies['registry.submission'],
      seq: 2,
      timestamp: NOW,
    });
    const clear = Buffer.from(envelope).toString('latin1');
    expect(clear).toContain('registry.submission');
    expect(clear).not.toContain('Yakit');
    expect(clear).not.toContain('TR-2026');
  });
});

describe('compression', () => {
  it('deflates a large events batch to much less than its JSON', () => {
    const body = eventsBatch(500);
    const json = utf8(JSON.stringify(body)).length;
    const envelope = seal({
      sender: parties.paris,
      recipient: parties.hub,
      type: 'events.batch',
      body,
      seq: 1,
      timestamp: NOW,
    });
    expect(unwrap(envelope, parties.hub, parties.paris).flags).toBe(0x01);
    expect(envelope.length).toBeLessThan(json * 0.4);
    const opened = open(envelope, hubContext(parties));
    expect(opened.ok && opened.value.body).toEqual(body);
  });

  it('sends a tiny body as it is', () => {
    const envelope = seal({
      sender: parties.paris,
      recipient: parties.hub,
      type: 'ack',
      body: { upTo: 4 },
      seq: 0,
      timestamp: NOW,
    });
    const inner = unwrap(envelope, parties.hub, parties.paris);
    expect(inner.flags).toBe(0);
    expect(Buffer.from(inner.payload).toString('utf8')).toBe('{"upTo":4}');
  });
});

describe('seal() misuse', () => {
  it('throws TypeError on a body that fails its schema', () => {
    expect(() =>
      seal({
        sender: parties.paris,
        recipient: parties.hub,
        type: 'ack',
        body: { upTo: -1 },
        seq: 0,
        timestamp: NOW,
      }),
    ).toThrow(TypeError);
    expect(() =>
      seal({
        sender: parties.paris,
        recipient: parties.hub,
        type: 'events.batch',
        body: { events: [] },
        seq: 1,
        timestamp: NOW,
      }),
    ).toThrow(TypeError);
    expect(() =>
      seal({
        sender: parties.hub,
        recipient: parties.paris,
        type: 'directive',
        body: { ...bodies.directive, priority: 'whenever' } as unknown as MessageBody<'directive'>,
        seq: 1,
        timestamp: NOW,
      }),
    ).toThrow(TypeError);
  });

  it('throws TypeError on sequence 0 for a sequenced type', () => {
    expect(() =>
      seal({
        sender: parties.paris,
        recipient: parties.hub,
        type: 'stats.snapshot',
        body: bodies['stats.snapshot'],
        seq: 0,
        timestamp: NOW,
      }),
    ).toThrow(TypeError);
  });

  it.each([1, 2, 1000])('throws TypeError on sequence %i for a control type', (seq) => {
    expect(() =>
      seal({
        sender: parties.paris,
        recipient: parties.hub,
        type: 'hello',
        body: bodies.hello,
        seq,
        timestamp: NOW,
      }),
    ).toThrow(TypeError);
  });

  it('throws TypeError on a nonce that is not 24 bytes', () => {
    expect(() =>
      seal({
        sender: parties.paris,
        recipient: parties.hub,
        type: 'ack',
        body: { upTo: 1 },
        seq: 0,
        timestamp: NOW,
        nonce: new Uint8Array(12),
      }),
    ).toThrow(TypeError);
  });
});
