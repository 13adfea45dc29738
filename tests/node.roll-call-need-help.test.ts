import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../node/db/store.js';
import { purgeExpiredData } from '../node/jobs/retention.js';
import { applyDirective } from '../node/link/handlers/directive.js';
import type { LinkContext } from '../node/link/link-context.js';
import { channelRow } from '../node/link/link-store.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { createRollCallService, RollCallErrorCode } from '../node/services/roll-calls/index.js';
import { cityOf } from '../node/services/roll-calls/roll-call-city.js';
import { payOwedCounts } from '../node/services/roll-calls/roll-call-events.js';
import { type Directive, RollCallEvents, type RollCallNeedHelpData, ready } from '../protocol/index.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const PEOPLE = [
  { phone: '+33611111111', name: 'Amina', address: '1 rue de Bangui, 75011 Paris' },
  { phone: '+33622222222', name: 'Bertin', address: '2 avenue de Lyon, 75012 Paris' },
  { phone: '+33633333333', name: 'Clarisse', address: '3 rue Oberkampf\n75011 Paris' },
];
const HOUR = 3_600_000;

function registerNationals(store: Store): void {
  const registrations = createRegistrationService({ store, defaultRegion: 'FR' });
  for (const person of PEOPLE) {
    const registration = registrations.submit(
      {
        person: {
          givenNames: person.name,
          familyName: 'Ngaïkoumon',
          birthDate: '1988-01-01',
          phone: person.phone,
          address: person.address,
          email: `${person.name.toLowerCase()}@example.org`,
        },
        channel: 'counter',
        census: { languages: [] },
        consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
      },
      'agent:amina',
    );
    registrations.verify(registration.id, 'agent:amina');
    registrations.activate(registration.id, 'consul:kossi');
  }
}

function orderingDirective(needHelpList: boolean): Directive {
  const endsAt = new Date(Date.now() + 24 * HOUR).toISOString();
  return {
    directiveId: crypto.randomUUID(),
    title: { fr: 'Crue de la Seine' },
    body: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
    priority: 'urgent',
    target: ['fr-paris'],
    effectiveAt: new Date().toISOString(),
    expiresAt: endsAt,
    requiresAck: false,
    issuedBy: 'DAC',
    issuedAt: new Date().toISOString(),
    rollCall: {
      title: 'Crue de la Seine',
      message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
      zone: { cities: ['Paris'] },
      endsAt,
      needHelpList,
    },
  };
}

/** The roll_call.need_help events of the outbox not yet delivered, oldest first. */
function needHelpEvents(store: Store) {
  return readBatch(store, { limit: 10_000, maxBytes: Number.MAX_SAFE_INTEGER })
    .map((item) => item.event)
    .filter((event) => event.kind === RollCallEvents.NeedHelp)
    .map((event) => event.data as RollCallNeedHelpData);
}

/** Seals what is in the outbox, as the link does: later writes go beside it. */
function seal(store: Store): void {
  store.db.prepare('UPDATE link_channel SET sealed_outbox_seq = (SELECT max(seq) FROM outbox)').run();
}

describe('the list of the people who need help, at the mission', () => {
  let temp: TempStore | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await temp?.cleanup();
    temp = undefined;
  });

  async function mission(needHelpList = true) {
    temp = await openTempStore();
    const { store } = temp;
    channelRow(store.db);
    registerNationals(store);
    // One instant for the link and the service: "less than a second ago" does not depend on the machine.
    let at = Date.now();
    const ctx = { store, now: () => at } as unknown as LinkContext;
    const rollCalls = createRollCallService({ store, now: () => new Date(at) });
    const directive = orderingDirective(needHelpList);
    applyDirective(ctx, directive);
    const id = store.db
      .prepare('SELECT id FROM roll_calls WHERE directive_id = ?')
      .pluck()
      .get(directive.directiveId) as string;
    const answer = (index: number, text: string) => {
      const phone = PEOPLE[index]?.phone as string;
      return rollCalls.receiveSms({ from: phone, rawFrom: phone, text, gatewayId: crypto.randomUUID() });
    };
    // The clock moves past the recount delay, so each change writes at once.
    const later = () => {
      at += 2_000;
    };
    return { store, rollCalls, id, directive, answer, later };
  }

  it('sends nothing personal while the consul has not approved, then the list once approved, audited', async () => {
    const { store, rollCalls, id, directive, answer, later } = await mission();
    expect(rollCalls.get(id).needHelpList).toMatchObject({ requested: true, decision: null, sent: false });
    answer(0, '2');
    later();
    answer(1, '1');
    payOwedCounts(store);
    expect(needHelpEvents(store)).toEqual([]);

    later();
    expect(rollCalls.decideNeedHelpList(id, 'approve', 'consul:kossi')).toBe(true);
    const [list, ...rest] = needHelpEvents(store);
    expect(rest).toEqual([]);
    expect(list).toMatchObject({ directiveId: directive.directiveId, sharing: 'approved' });
    expect(list?.people).toEqual([
      {
        name: 'Amina Ngaïkoumon',
        phone: '+33611111111',
        city: 'Paris',
        answeredAt: expect.any(String),
        outcome: null,
        outcomeAt: null,
      },
    ]);
    // The minimum: no street, no e-mail, no birth date, no one else.
    const json = JSON.stringify(needHelpEvents(store));
    for (const absent of ['rue de Bangui', 'amina@example.org', '1988', 'Bertin', 'Clarisse'])
      expect(json).not.toContain(absent);
    const actions = store.db
      .prepare(`SELECT action, actor FROM audit_log WHERE entity = 'roll_call' AND action LIKE '%need_help%'`)
      .all();
    expect(actions).toEqual([{ action: 'roll_call.need_help_approved', actor: 'consul:kossi' }]);
    // Approved again: nothing changes.
    expect(rollCalls.decideNeedHelpList(id, 'approve', 'consul:kossi')).toBe(false);
  });

  it('follows new answers and outcomes while approved, writes no unchanged list, and stops once refused', async () => {
    const { store, rollCalls, id, answer, later } = await mission();
    rollCalls.decideNeedHelpList(id, 'approve', 'consul:kossi');
    expect(needHelpEvents(store).map((list) => list.people.length)).toEqual([0]);
    seal(store);

    later();
    answer(1, '2');
    later();
    answer(2, '1');
    payOwedCounts(store);
    let lists = needHelpEvents(store);
    // The first answer wrote a list of one; the second changed no one in it.
    expect(lists.map((list) => list.people.map((person) => person.name))).toEqual([
      [],
      ['Bertin Ngaïkoumon'],
    ]);

    later();
    const personId = store.db
      .prepare(`SELECT person_id FROM roll_call_targets WHERE roll_call_id = ? AND status = 'need_help'`)
      .pluck()
      .get(id) as string;
    rollCalls.recordOutcome(id, personId, { outcome: 'visited' }, 'agent:amina');
    lists = needHelpEvents(store);
    expect(lists.at(-1)?.people).toMatchObject([{ name: 'Bertin Ngaïkoumon', outcome: 'visited' }]);
    seal(store);

    later();
    expect(rollCalls.decideNeedHelpList(id, 'refuse', 'consul:kossi')).toBe(true);
    lists = needHelpEvents(store);
    expect(lists.at(-1)).toMatchObject({ sharing: 'withdrawn', people: [] });
    expect(rollCalls.get(id).needHelpList).toMatchObject({ decision: 'refused', sent: true });
    seal(store);

    later();
    answer(0, '2');
    payOwedCounts(store);
    expect(needHelpEvents(store)).toHaveLength(lists.length);
  });

  it('sends nothing when the consul refuses, nor when the directive asked for no list', async () => {
    const refused = await mission();
    refused.answer(0, '2');
    expect(refused.rollCalls.decideNeedHelpList(refused.id, 'refuse', 'consul:kossi')).toBe(true);
    refused.later();
    refused.answer(1, '2');
    payOwedCounts(refused.store);
    expect(needHelpEvents(refused.store)).toEqual([]);
    await temp?.cleanup();

    const unasked = await mission(false);
    unasked.answer(0, '2');
    expect(unasked.rollCalls.get(unasked.id).needHelpList.requested).toBe(false);
    expect(() => unasked.rollCalls.decideNeedHelpList(unasked.id, 'approve', 'consul:kossi')).toThrow(
      expect.objectContaining({ code: RollCallErrorCode.NeedHelpNotRequested }),
    );
    expect(needHelpEvents(unasked.store)).toEqual([]);
  });

  it('refuses a decision on a closed or unknown roll-call, and tells HQ to drop the list at the purge', async () => {
    const { store, rollCalls, id, answer, later } = await mission();
    answer(0, '2');
    later();
    rollCalls.decideNeedHelpList(id, 'approve', 'consul:kossi');
    later();
    rollCalls.close(id, 'consul:kossi');
    expect(() => rollCalls.decideNeedHelpList(id, 'refuse', 'consul:kossi')).toThrow(
      expect.objectContaining({ code: RollCallErrorCode.Closed }),
    );
    expect(() => rollCalls.decideNeedHelpList(crypto.randomUUID(), 'approve', 'consul:kossi')).toThrow(
      expect.objectContaining({ code: RollCallErrorCode.NotFound }),
    );
    expect(needHelpEvents(store).map((list) => list.sharing)).toEqual(['approved']);
    seal(store);

    purgeExpiredData(store, { rollCallAnswersDays: 1 }, new Date(Date.now() + 3 * 86_400_000));
    expect(needHelpEvents(store).at(-1)).toMatchObject({ sharing: 'purged', people: [] });
  });
});

describe('the city HQ is told of', () => {
  it('is the zone’s place the address names, else the address’s last part without its postcode', () => {
    expect(cityOf('Bastos, Yaoundé', { cities: ['Yaounde'] })).toBe('Yaounde');
    expect(cityOf('12 rue de Bangui, 75011 Paris', { all: true })).toBe('Paris');
    expect(cityOf('3 rue Oberkampf\n75011 Paris', { all: true })).toBe('Paris');
    expect(cityOf('quartier Bastos Yaoundé', { all: true })).toBe('Yaoundé');
    expect(cityOf('12, 75011', { all: true })).toBeNull();
    expect(cityOf(undefined, { all: true })).toBeNull();
    expect(cityOf('rue de Paris, Créteil', { regions: ['Île-de-France'] })).toBe('Créteil');
  });
});
