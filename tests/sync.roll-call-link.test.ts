import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../node/db/store.js';
import { applyDirective } from '../node/link/handlers/directive.js';
import type { LinkContext } from '../node/link/link-context.js';
import { channelRow } from '../node/link/link-store.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { closeDueRollCalls, createRollCallService } from '../node/services/roll-calls/index.js';
import { payOwedCounts } from '../node/services/roll-calls/roll-call-events.js';
import { type Directive, RollCallEvents, ready } from '../protocol/index.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const PHONES = ['+33611111111', '+33622222222', '+33633333333'];
const HOUR = 3_600_000;

function registerNationals(store: Store): void {
  const registrations = createRegistrationService({ store, defaultRegion: 'FR' });
  PHONES.forEach((phone, index) => {
    const registration = registrations.submit(
      {
        person: {
          givenNames: `Personne ${index}`,
          familyName: 'Ngaïkoumon',
          birthDate: '1988-01-01',
          phone,
          address: `${index + 1} rue de Bangui, 75011 Paris`,
        },
        channel: 'counter',
        census: { languages: [] },
        consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
      },
      'agent:amina',
    );
    registrations.verify(registration.id, 'agent:amina');
    registrations.activate(registration.id, 'consul:kossi');
  });
}

function orderingDirective(endsAt: Date): Directive {
  return {
    directiveId: crypto.randomUUID(),
    title: { fr: 'Crue de la Seine' },
    body: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
    priority: 'urgent',
    target: ['fr-paris'],
    effectiveAt: new Date().toISOString(),
    expiresAt: endsAt.toISOString(),
    requiresAck: false,
    issuedBy: 'DAC',
    issuedAt: new Date().toISOString(),
    rollCall: {
      title: 'Crue de la Seine',
      message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
      zone: { cities: ['Paris'] },
      endsAt: endsAt.toISOString(),
      needHelpList: false,
    },
  };
}

/** The roll_call.counts events not yet delivered, oldest first, with their data. */
function countsEvents(store: Store) {
  return readBatch(store, { limit: 10_000, maxBytes: Number.MAX_SAFE_INTEGER })
    .map((item) => item.event)
    .filter((event) => event.kind === RollCallEvents.Counts);
}

describe('roll-calls on the node’s side of the link', () => {
  let temp: TempStore | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await temp?.cleanup();
    temp = undefined;
  });

  async function mission() {
    temp = await openTempStore();
    const { store } = temp;
    channelRow(store.db);
    registerNationals(store);
    // The handler reads only the store and the clock of the link's context.
    // One instant for the link and the service: what is "less than a second ago" does not depend on
    // how fast the machine runs the test.
    const at = Date.now();
    const ctx = { store, now: () => at } as unknown as LinkContext;
    return { store, ctx, rollCalls: createRollCallService({ store, now: () => new Date(at) }) };
  }
  const startedFor = (store: Store, directiveId: string) =>
    store.db.prepare('SELECT id FROM roll_calls WHERE directive_id = ?').pluck().all(directiveId) as string[];

  it('starts one roll-call, one SMS per phone, however often its directive is delivered', async () => {
    const { store, ctx } = await mission();
    const directive = orderingDirective(new Date(Date.now() + 24 * HOUR));
    applyDirective(ctx, directive);
    applyDirective(ctx, directive);
    applyDirective(ctx, directive);
    const ids = startedFor(store, directive.directiveId);
    expect(ids).toHaveLength(1);
    const sms = store.db
      .prepare(`SELECT count(*) FROM sms_outbox WHERE purpose = 'roll_call' AND ref = ?`)
      .pluck()
      .get(ids[0]);
    expect(sms).toBe(3);
  });

  it('keeps a directive that arrives after its roll-call’s end, without starting the roll-call', async () => {
    const { store, ctx } = await mission();
    const directive = orderingDirective(new Date(Date.now() - HOUR));
    applyDirective(ctx, directive);
    expect(
      store.db
        .prepare('SELECT count(*) FROM directives WHERE directive_id = ?')
        .pluck()
        .get(directive.directiveId),
    ).toBe(1);
    expect(startedFor(store, directive.directiveId)).toEqual([]);
  });

  it('keeps one unsealed counts event per roll-call, recounted at most once a second, and never rewrites a sealed one', async () => {
    const { store, ctx, rollCalls } = await mission();
    const directive = orderingDirective(new Date(Date.now() + 24 * HOUR));
    applyDirective(ctx, directive);
    const [id] = startedFor(store, directive.directiveId);
    rollCalls.receiveSms({ from: PHONES[0], rawFrom: 'x', text: '1', gatewayId: 'g1' });
    rollCalls.receiveSms({ from: PHONES[1], rawFrom: 'x', text: '2', gatewayId: 'g2' });
    // A callback retried and a number no roll-call reached change no counts.
    rollCalls.receiveSms({ from: PHONES[1], rawFrom: 'x', text: '2', gatewayId: 'g2' });
    rollCalls.receiveSms({ from: '+33699999999', rawFrom: 'x', text: '1', gatewayId: 'g3' });
    // Answers right after the counts were written leave the recount to a timer (at most one a second).
    let events = countsEvents(store);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ safe: 0, needHelp: 0, noAnswer: 3 });
    expect(payOwedCounts(store)).toBe(1);
    events = countsEvents(store);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      entityId: id,
      data: { directiveId: directive.directiveId, safe: 1, needHelp: 1, noAnswer: 1 },
    });

    // The link seals what is there; the next change writes a new event beside the sealed one.
    store.db.prepare('UPDATE link_channel SET sealed_outbox_seq = (SELECT max(seq) FROM outbox)').run();
    rollCalls.receiveSms({ from: PHONES[2], rawFrom: 'x', text: '3', gatewayId: 'g4' });
    payOwedCounts(store);
    events = countsEvents(store);
    expect(events.map((event) => event.data.notInZone)).toEqual([0, 1]);
  });

  it('writes the counts of a roll-call closed by hand or by the job, as closed', async () => {
    const { store, ctx, rollCalls } = await mission();
    const first = orderingDirective(new Date(Date.now() + 24 * HOUR));
    const second = orderingDirective(new Date(Date.now() + HOUR));
    applyDirective(ctx, first);
    applyDirective(ctx, second);
    const [byHand] = startedFor(store, first.directiveId);
    const [byJob] = startedFor(store, second.directiveId);
    expect(rollCalls.close(byHand as string, 'consul:kossi')).toBe(true);
    expect(closeDueRollCalls(store, new Date(Date.now() + 2 * HOUR))).toEqual([byJob]);
    const states = Object.fromEntries(countsEvents(store).map((event) => [event.entityId, event.data.state]));
    expect(states).toEqual({ [byHand as string]: 'closed', [byJob as string]: 'closed' });
  });
});
