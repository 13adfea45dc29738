import { beforeAll, describe, expect, it } from 'vitest';
import { open, seal } from './envelope.js';
import {
  directiveSchema,
  eventDataSchemas,
  isEventKind,
  type MessageBody,
  RollCallEvents,
  rollCallOrderSchema,
} from './messages/index.js';
import { ready } from './sodium.js';
import {
  hubContext,
  missionContext,
  NOW,
  type Parties,
  sampleBodies,
  sampleRollCallCountsEvent,
  sampleRollCallOrder,
  testParties,
} from './test-fixtures.js';

let parties: Parties;
let directive: MessageBody<'directive'>;

beforeAll(async () => {
  await ready();
  parties = testParties();
  directive = {
    ...sampleBodies(parties.hub, parties.yaounde.keyId).directive,
    rollCall: sampleRollCallOrder(),
  };
});

describe('crisis roll-calls on the wire', () => {
  it('delivers a directive ordering a roll-call to a mission with its order intact', () => {
    const envelope = seal({
      sender: parties.hub,
      recipient: parties.paris,
      type: 'directive',
      body: directive,
      seq: 3,
      timestamp: NOW - 1000,
    });
    const opened = open(envelope, missionContext(parties, parties.paris));
    expect(opened.ok && opened.value.body).toEqual(directive);
  });

  it('delivers a roll-call’s counts to the hub in an events batch, read by its kind’s schema', () => {
    const event = sampleRollCallCountsEvent();
    const body: MessageBody<'events.batch'> = { events: [event, sampleRollCallCountsEvent(null)] };
    const envelope = seal({
      sender: parties.paris,
      recipient: parties.hub,
      type: 'events.batch',
      body,
      seq: 9,
      timestamp: NOW - 1000,
    });
    const opened = open(envelope, hubContext(parties));
    expect(opened.ok && opened.value.body).toEqual(body);
    expect(isEventKind(event.kind)).toBe(true);
    expect(event.kind).toBe(RollCallEvents.Counts);
    expect(eventDataSchemas[RollCallEvents.Counts].safeParse(event.data).success).toBe(true);
  });

  it('refuses as malformed a directive whose order is off its schema', () => {
    const tooLong = {
      ...sampleRollCallOrder(),
      message: { ...sampleRollCallOrder().message, fr: 'x'.repeat(241) },
    };
    expect(directiveSchema.safeParse({ ...directive, rollCall: tooLong }).success).toBe(false);
    expect(
      directiveSchema.safeParse({ ...directive, rollCall: { ...sampleRollCallOrder(), people: [] } }).success,
    ).toBe(false);
    expect(rollCallOrderSchema.safeParse({ ...sampleRollCallOrder(), zone: { cities: [] } }).success).toBe(
      false,
    );
    expect(rollCallOrderSchema.safeParse({ ...sampleRollCallOrder(), zone: { all: true } }).success).toBe(
      true,
    );
  });

  it('reads counts that are not whole, non-negative numbers as not the kind’s data', () => {
    const { data } = sampleRollCallCountsEvent();
    const schema = eventDataSchemas[RollCallEvents.Counts];
    expect(schema.safeParse({ ...data, safe: -1 }).success).toBe(false);
    expect(schema.safeParse({ ...data, reached: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ ...data, state: 'paused' }).success).toBe(false);
  });
});
