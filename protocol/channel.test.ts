import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decide, MemoryReceiveState, MemorySendChannel } from './channel.js';
import { open, seal } from './envelope.js';
import type { Header } from './header.js';
import { ready } from './sodium.js';
import { hubContext, missionContext, NOW, type Parties, sampleEvent, testParties } from './test-fixtures.js';

let parties: Parties;

beforeAll(async () => {
  await ready();
  parties = testParties();
});

function header(seq: number, timestamp = NOW): Header {
  return {
    version: 1,
    messageId: '0'.repeat(32),
    type: seq === 0 ? 'ack' : 'events.batch',
    from: 'fr-paris',
    to: 'hub',
    seq,
    timestamp,
    keyId: 'f'.repeat(32),
  };
}

describe('decide()', () => {
  it('applies the next expected sequence', () => {
    expect(decide(header(1), 0)).toEqual({ action: 'apply', advanceTo: 1 });
    expect(decide(header(8), 7)).toEqual({ action: 'apply', advanceTo: 8 });
  });

  it('asks for a resend from the expected sequence when a gap shows', () => {
    expect(decide(header(3), 0)).toEqual({ action: 'resend', from: 1 });
    expect(decide(header(50), 7)).toEqual({ action: 'resend', from: 8 });
  });

  it('takes a control message with its timestamp, whatever the channel position', () => {
    expect(decide(header(0, NOW + 5), 0)).toEqual({ action: 'control', takenAt: NOW + 5 });
    expect(decide(header(0, NOW), 99)).toEqual({ action: 'control', takenAt: NOW });
  });
});

describe('MemoryReceiveState', () => {
  it('starts every sender at zero', () => {
    const state = new MemoryReceiveState();
    expect(state.appliedUpTo('fr-paris')).toBe(0);
    expect(state.lastControlAt('fr-paris')).toBe(0);
  });

  it('advances on apply, ignores resend and keeps the newest control time', () => {
    const state = new MemoryReceiveState();
    state.record('fr-paris', { action: 'apply', advanceTo: 1 });
    state.record('fr-paris', { action: 'resend', from: 2 });
    state.record('fr-paris', { action: 'control', takenAt: NOW });
    state.record('fr-paris', { action: 'control', takenAt: NOW - 10 });
    expect(state.appliedUpTo('fr-paris')).toBe(1);
    expect(state.lastControlAt('fr-paris')).toBe(NOW);
    expect(state.appliedUpTo('cm-yaounde')).toBe(0);
  });
});

describe('MemorySendChannel', () => {
  it('numbers sequenced messages from 1', () => {
    const channel = new MemorySendChannel();
    expect([channel.allocate(), channel.allocate(), channel.allocate()]).toEqual([1, 2, 3]);
  });

  it('gives control messages strictly increasing timestamps even when the clock stands still or steps back', () => {
    const channel = new MemorySendChannel();
    const stamps = [NOW, NOW, NOW - 5000, NOW + 10].map((now) => channel.controlTimestamp(now));
    expect(stamps).toEqual([NOW, NOW + 1, NOW + 2, NOW + 10]);
  });

  it('holds envelopes until a cumulative acknowledgement and resends them in order', () => {
    const channel = new MemorySendChannel();
    for (const seq of [3, 1, 2, 4]) channel.hold(seq, Uint8Array.of(seq));
    expect(channel.pending).toBe(4);
    expect(channel.resendFrom(2)).toEqual([Uint8Array.of(2), Uint8Array.of(3), Uint8Array.of(4)]);
    channel.acknowledge(2);
    expect(channel.pending).toBe(2);
    expect(channel.resendFrom(1)).toEqual([Uint8Array.of(3), Uint8Array.of(4)]);
    channel.acknowledge(4);
    expect(channel.pending).toBe(0);
  });
});

/**
 * A mission streaming events to the hub over an unreliable link. The hub answers every applied
 * message with an ack and every gap with a resend request; the mission answers resend requests
 * with the envelopes it still holds, byte for byte.
 */
class Simulation {
  readonly applied: number[] = [];
  readonly refusals: string[] = [];
  readonly sent: Uint8Array[] = [];
  private readonly missionOut = new MemorySendChannel();
  private readonly missionIn = new MemoryReceiveState();
  private readonly hubOut = new MemorySendChannel();
  private readonly hubIn = new MemoryReceiveState();
  private readonly toHub: Uint8Array[] = [];
  private readonly toMission: Uint8Array[] = [];
  private clock = NOW;

  constructor(count: number) {
    for (let i = 1; i <= count; i++) {
      const seq = this.missionOut.allocate();
      const envelope = seal({
        sender: parties.paris,
        recipient: parties.hub,
        type: 'events.batch',
        body: { events: [sampleEvent(seq)] },
        seq,
        timestamp: this.tick(),
      });
      this.missionOut.hold(seq, envelope);
      this.sent.push(envelope);
    }
  }

  /** The network hands the hub one of the original envelopes (again, late, or out of order). */
  deliver(seq: number): void {
    const envelope = this.sent[seq - 1];
    if (envelope) this.toHub.push(envelope);
    this.pump();
  }

  /** A reconnection: the mission pushes everything still unacknowledged. */
  reconnect(): void {
    this.toHub.push(...this.missionOut.resendFrom(1));
    this.pump();
  }

  get pending(): number {
    return this.missionOut.pending;
  }

  private tick(): number {
    this.clock += 1;
    return this.clock;
  }

  private pump(): void {
    while (this.toHub.length > 0 || this.toMission.length > 0) {
      const up = this.toHub.shift();
      if (up) this.hubReceives(up);
      const down = this.toMission.shift();
      if (down) this.missionReceives(down);
    }
  }

  private hubReceives(envelope: Uint8Array): void {
    const opened = open(envelope, hubContext(parties, { receiveState: this.hubIn, now: this.clock }));
    if (!opened.ok) {
      this.refusals.push(opened.reason);
      return;
    }
    const { header } = opened.value;
    const decision = decide(header, this.hubIn.appliedUpTo(header.from));
    if (decision.action === 'apply') this.applied.push(header.seq);
    this.hubIn.record(header.from, decision);
    if (decision.action === 'apply') this.hubSends('ack', { upTo: decision.advanceTo });
    if (decision.action === 'resend') this.hubSends('resend.request', { from: decision.from });
  }

  private hubSends(type: 'ack' | 'resend.request', body: { upTo: number } | { from: number }): void {
    const common = { sender: parties.hub, recipient: parties.paris, seq: 0 };
    const timestamp = this.hubOut.controlTimestamp(this.tick());
    this.toMission.push(
      type === 'ack'
        ? seal({ ...common, type, body: body as { upTo: number }, timestamp })
        : seal({ ...common, type, body: body as { from: number }, timestamp }),
    );
  }

  private missionReceives(envelope: Uint8Array): void {
    const context = missionContext(parties, parties.paris, { receiveState: this.missionIn, now: this.clock });
    const opened = open(envelope, context);
    if (!opened.ok) throw new Error(`mission refused a control message: ${opened.reason}`);
    const message = opened.value;
    const from = message.header.from;
    this.missionIn.record(from, decide(message.header, this.missionIn.appliedUpTo(from)));
    if (message.type === 'ack') this.missionOut.acknowledge(message.body.upTo);
    if (message.type === 'resend.request') this.toHub.push(...this.missionOut.resendFrom(message.body.from));
  }
}

describe('a channel over an unreliable link', () => {
  it('applies each message exactly once and in order despite duplicates, reordering and gaps', () => {
    const simulation = new Simulation(12);
    const script = [1, 1, 3, 2, 2, 5, 4, 4, 7, 6, 6, 12, 9, 8, 10, 11, 2, 1, 12, 12];
    for (const seq of script) simulation.deliver(seq);
    expect(simulation.applied).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(simulation.pending).toBe(0);
    // Everything not applied was a replay of an applied sequence, refused before decryption.
    expect(new Set(simulation.refusals)).toEqual(new Set(['duplicate']));
  });

  it('recovers a tail lost on the link at the next reconnection', () => {
    const simulation = new Simulation(6);
    for (const seq of [1, 2, 3]) simulation.deliver(seq);
    expect(simulation.applied).toEqual([1, 2, 3]);
    expect(simulation.pending).toBe(3);
    simulation.reconnect();
    expect(simulation.applied).toEqual([1, 2, 3, 4, 5, 6]);
    expect(simulation.pending).toBe(0);
  });

  it('applies 1..N exactly once and in order for any delivery schedule', () => {
    const count = 8;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: count }), { maxLength: 30 }), (schedule) => {
        const simulation = new Simulation(count);
        for (const seq of schedule) simulation.deliver(seq);
        simulation.reconnect();
        expect(simulation.applied).toEqual(Array.from({ length: count }, (_, i) => i + 1));
        expect(simulation.pending).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
