import { afterEach, describe, expect, it } from 'vitest';
import type { JobLogger } from '../node/jobs/job-runner.js';
import { purgeExpiredData } from '../node/jobs/retention.js';
import { createJobs } from '../node/jobs/schedule.js';
import type { Domain } from '../node/services/domain.js';
import { enqueueSms } from '../node/services/outbox/sms-outbox.js';
import { answerCode, type RollCallService } from '../node/services/roll-calls/index.js';
import { smsOutbox } from './_util/appointments.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';

const apps: StaffApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function open(): Promise<StaffApp> {
  const app = await openStaffApp();
  apps.push(app);
  return app;
}

const PARIS = '+33611111111';
const FAMILY = '+33622222222';
const LYON = '+33633333333';
const SANGO = '+33644444444';

interface National {
  readonly givenNames: string;
  readonly familyName: string;
  readonly phone?: string;
  readonly address?: string;
  readonly languages?: string[];
  readonly state?: 'submitted' | 'verified' | 'active';
}

/** A registered national, taken to the state asked (active by default). */
function register(domain: Domain, national: National): string {
  const { state = 'active', languages = [], ...person } = national;
  const registration = domain.registrations.submit(
    {
      person: { ...person, birthDate: '1988-01-01' },
      channel: 'counter',
      census: { languages },
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  if (state !== 'submitted') domain.registrations.verify(registration.id, 'agent:amina');
  if (state === 'active') domain.registrations.activate(registration.id, 'consul:kossi');
  return registration.personId;
}

/** Five nationals in Paris (two of them a household on one phone), one in Lyon, one without phone. */
function seedNationals(domain: Domain) {
  return {
    alone: register(domain, {
      givenNames: 'Awa',
      familyName: 'Ndjadder',
      phone: PARIS,
      address: '12 rue Oberkampf, 75011 Paris',
    }),
    mother: register(domain, {
      givenNames: 'Odette',
      familyName: 'Kossi',
      phone: FAMILY,
      address: '3 avenue de Saint-Ouen, 75017 PARIS',
      state: 'verified',
    }),
    son: register(domain, {
      givenNames: 'Jean',
      familyName: 'Kossi',
      phone: '06 22 22 22 22',
      address: '3 avenue de Saint-Ouen, 75017 Paris',
    }),
    lyon: register(domain, {
      givenNames: 'Prisca',
      familyName: 'Namsène',
      phone: LYON,
      address: '8 rue de Bangui, 69007 Lyon',
    }),
    sango: register(domain, {
      givenNames: 'Gervais',
      familyName: 'Yakité',
      phone: SANGO,
      address: '5 rue Thiers, Créteil, Île-de-France',
      languages: ['sg', 'fr'],
    }),
    noPhone: register(domain, { givenNames: 'Paul', familyName: 'Zoumaldé', address: '1 rue Lepic, Paris' }),
    submittedOnly: register(domain, {
      givenNames: 'Fiacre',
      familyName: 'Dopani',
      phone: '+33655555555',
      address: '2 rue Lepic, Paris',
      state: 'submitted',
    }),
  };
}

function rollCallInput(s: StaffApp, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Consulat RCA',
    message: {
      fr: 'Manifestations a Paris ce soir. Etes-vous en securite ?',
      sg: 'Aye na Paris la so. Mo yeke na siriri ?',
      en: 'Unrest in Paris tonight. Are you safe?',
    },
    zone: { all: true },
    endsAt: new Date(s.clock.now().getTime() + 6 * 3_600_000).toISOString(),
    ...overrides,
  };
}

function started(rollCalls: RollCallService, input: unknown): string {
  const outcome = rollCalls.start(input, { actor: 'consul:kossi' });
  if (outcome.dryRun) throw new Error('a dry run');
  return outcome.id;
}

let gatewayIds = 0;
function reply(rollCalls: RollCallService, from: string | undefined, text: string, sentAt?: Date) {
  return rollCalls.receiveSms({
    from,
    rawFrom: from ?? 'garbage',
    text,
    gatewayId: `AT-${++gatewayIds}`,
    sentAt,
  });
}

describe('roll-call: who it reaches', () => {
  it('counts people, phones and SMS in a dry run and writes nothing', async () => {
    const s = await open();
    seedNationals(s.domain);
    const outcome = s.domain.rollCalls.start(
      { ...rollCallInput(s), dryRun: true },
      { actor: 'consul:kossi' },
    );
    // Six verified or active nationals (the submitted one is not yet checked); five with a phone
    // on four phones, the household sharing one.
    expect(outcome).toEqual({ dryRun: true, reach: { people: 6, phones: 4, sms: 4, withoutPhone: 1 } });
    expect(s.domain.rollCalls.list()).toEqual([]);
    expect(smsOutbox(s.temp.store)).toEqual([]);
  });

  it('reaches only the cities named, matched in the address whatever the case and accents', async () => {
    const s = await open();
    seedNationals(s.domain);
    const dry = (zone: unknown) =>
      s.domain.rollCalls.start({ ...rollCallInput(s, { zone }), dryRun: true }, { actor: 'consul:kossi' });
    expect(dry({ cities: ['paris'] })).toMatchObject({ reach: { people: 4, phones: 2, withoutPhone: 1 } });
    expect(dry({ cities: ['Lyon'] })).toMatchObject({ reach: { people: 1, phones: 1 } });
    expect(dry({ cities: ['Créteil', 'Lyon'] })).toMatchObject({ reach: { people: 2, phones: 2 } });
    expect(dry({ regions: ['ile de france'] })).toMatchObject({ reach: { people: 1, phones: 1 } });
    // Whole words only: "Lyo" is no city of "Lyon".
    expect(dry({ cities: ['Lyo'] })).toMatchObject({ reach: { people: 0, phones: 0, sms: 0 } });
  });

  it('sends one SMS per phone, naming everyone of a household, in their language else French', async () => {
    const s = await open();
    seedNationals(s.domain);
    const id = started(s.domain.rollCalls, rollCallInput(s));
    const sms = smsOutbox(s.temp.store, id);
    expect(sms.map((one) => one.to).sort()).toEqual([FAMILY, LYON, PARIS, SANGO].sort());
    expect(sms.every((one) => one.purpose === 'roll_call')).toBe(true);
    const family = sms.find((one) => one.to === FAMILY)?.text ?? '';
    expect(family).toContain('Odette Kossi');
    expect(family).toContain('Jean Kossi');
    expect(family).toContain('Repondez 1 = en securite, 2 = besoin d aide, 3 = hors de la zone.');
    expect(family).toContain('Etes-vous en securite ?');
    const sango = sms.find((one) => one.to === SANGO)?.text ?? '';
    expect(sango).toContain('Mo yeke na siriri ?');
    expect(sango).toMatch(/Kiri 1 = /);
    expect(sms.find((one) => one.to === PARIS)?.text).not.toContain('Kossi');
  });

  it('never queues twice to one phone for one roll-call, however often it is queued', async () => {
    const s = await open();
    seedNationals(s.domain);
    const id = started(s.domain.rollCalls, rollCallInput(s));
    expect(s.domain.rollCalls.queue(id)).toBe(0);
    expect(s.domain.rollCalls.queue(id)).toBe(0);
    expect(smsOutbox(s.temp.store, id)).toHaveLength(4);
    // A second roll-call is another message: each phone gets that one once too.
    const second = started(s.domain.rollCalls, rollCallInput(s));
    expect(smsOutbox(s.temp.store, second)).toHaveLength(4);
  });

  it('starts once per hub directive, however often the directive is delivered', async () => {
    const s = await open();
    seedNationals(s.domain);
    const starter = { actor: 'hub', directiveId: 'b5a1c0de-0000-4000-8000-000000000001' };
    const first = s.domain.rollCalls.start(rollCallInput(s), starter);
    const again = s.domain.rollCalls.start(rollCallInput(s), starter);
    expect(first).toMatchObject({ dryRun: false, queued: 4 });
    expect(again).toEqual({
      dryRun: false,
      id: first.dryRun ? '' : first.id,
      reach: { people: 6, phones: 4, sms: 4, withoutPhone: 1 },
      queued: 0,
    });
    expect(s.domain.rollCalls.list()).toMatchObject([
      { origin: 'directive', directiveId: starter.directiveId },
    ]);
    expect(smsOutbox(s.temp.store)).toHaveLength(4);
  });

  it('is not stopped by the SMS caps against pumping, nor counted by them', async () => {
    const s = await open();
    seedNationals(s.domain);
    // The Paris phone got its ten SMS of the day: any other news to it is dropped.
    for (let i = 0; i < 10; i++) {
      enqueueSms(s.temp.store, { to: PARIS, text: `rappel ${i}`, purpose: 'reminder' }, s.clock.now());
    }
    expect(
      enqueueSms(s.temp.store, { to: PARIS, text: 'x', purpose: 'reminder' }, s.clock.now()),
    ).toBeUndefined();
    const id = started(s.domain.rollCalls, rollCallInput(s));
    expect(smsOutbox(s.temp.store, id).map((one) => one.to)).toContain(PARIS);
    // And the roll-call's SMS leave the other phones' allowance as it was.
    expect(enqueueSms(s.temp.store, { to: LYON, text: 'x', purpose: 'reminder' }, s.clock.now())).toEqual(
      expect.any(Number),
    );
  });
});

describe('roll-call: answers by SMS', () => {
  it('reads 1, " 1 ", "1.", 2, 3 and a bare ok/oui/yes as codes, anything more as free text', () => {
    expect(['1', ' 1 ', '1.', '1\n', '１', 'OK', 'ok!', 'Oui', 'yes'].map(answerCode)).toEqual(
      Array(9).fill('safe'),
    );
    expect(answerCode('2')).toBe('need_help');
    expect(answerCode(' 3 ')).toBe('not_in_zone');
    for (const text of ['4', '12', '1 mais mon frere est blesse', 'ok mais', 'non', '', 'au secours']) {
      expect(answerCode(text)).toBeUndefined();
    }
  });

  it('counts an answer for everyone on the phone, and the last one sent wins', async () => {
    const s = await open();
    const people = seedNationals(s.domain);
    const { rollCalls } = s.domain;
    const id = started(rollCalls, rollCallInput(s));
    expect(rollCalls.get(id).counts).toMatchObject({ people: 6, reached: 0, noAnswer: 6 });
    expect(reply(rollCalls, PARIS, '1 ')).toMatchObject({ disposition: 'answer', status: 'safe' });
    expect(reply(rollCalls, FAMILY, '2')).toMatchObject({ disposition: 'answer', status: 'need_help' });
    expect(reply(rollCalls, LYON, '3')).toMatchObject({ disposition: 'answer', status: 'not_in_zone' });
    expect(rollCalls.get(id).counts).toEqual({
      people: 6,
      phones: 4,
      reached: 4,
      safe: 1,
      needHelp: 2,
      notInZone: 1,
      noAnswer: 2,
      repliesAside: 0,
    });
    s.clock.advance(60_000);
    reply(rollCalls, FAMILY, '1');
    expect(rollCalls.get(id).counts).toMatchObject({ safe: 3, needHelp: 0 });
    // Delivered late but sent before: an older answer does not overwrite a newer one.
    reply(rollCalls, FAMILY, '2', new Date(s.clock.now().getTime() - 30_000));
    expect(rollCalls.get(id).counts).toMatchObject({ safe: 3, needHelp: 0 });
    const needing = rollCalls.people(id, { statuses: ['no_answer'] }).map((person) => person.personId);
    expect(needing.sort()).toEqual([people.sango, people.noPhone].sort());
  });

  it('keeps free text, unknown numbers and answers after the close aside, never counted, never lost', async () => {
    const s = await open();
    seedNationals(s.domain);
    const { rollCalls } = s.domain;
    const id = started(rollCalls, rollCallInput(s));
    expect(reply(rollCalls, SANGO, 'Mbi yeke na ndo so, mo ga')).toMatchObject({ disposition: 'free_text' });
    // Any script, kept as sent (the pages that show it escape it).
    const scripts = 'نحن بخير 🙏 <b>ok</b> & "ça va"';
    expect(reply(rollCalls, SANGO, scripts)).toMatchObject({ disposition: 'free_text' });
    expect(reply(rollCalls, '+33699999999', '1')).toEqual({
      disposition: 'unknown_phone',
      duplicate: false,
      rollCallId: null,
    });
    expect(reply(rollCalls, undefined, '1')).toMatchObject({ disposition: 'unknown_phone' });
    expect(rollCalls.get(id).counts).toMatchObject({ reached: 1, safe: 0, noAnswer: 5, repliesAside: 2 });
    expect(rollCalls.close(id, 'consul:kossi')).toBe(true);
    expect(reply(rollCalls, PARIS, '1')).toMatchObject({ disposition: 'late', rollCallId: id });
    expect(rollCalls.get(id).counts).toMatchObject({ safe: 0, repliesAside: 3 });
    expect(rollCalls.replies(id).map(({ from, text, disposition }) => ({ from, text, disposition }))).toEqual(
      [
        { from: PARIS, text: '1', disposition: 'late' },
        { from: SANGO, text: scripts, disposition: 'free_text' },
        { from: SANGO, text: 'Mbi yeke na ndo so, mo ga', disposition: 'free_text' },
      ],
    );
    const stored = s.temp.store.db.prepare('SELECT count(*) FROM roll_call_inbound').pluck().get();
    expect(stored).toBe(5);
  });

  it('records a gateway message once, whatever the number of callbacks', async () => {
    const s = await open();
    seedNationals(s.domain);
    const { rollCalls } = s.domain;
    const id = started(rollCalls, rollCallInput(s));
    const sms = { from: PARIS, rawFrom: PARIS, text: '2', gatewayId: 'ATXid_1' };
    expect(rollCalls.receiveSms(sms)).toMatchObject({ duplicate: false, disposition: 'answer' });
    s.clock.advance(1000);
    reply(rollCalls, PARIS, '1');
    expect(rollCalls.receiveSms(sms)).toMatchObject({ duplicate: true, disposition: 'answer' });
    expect(rollCalls.get(id).counts).toMatchObject({ safe: 1, needHelp: 0 });
  });

  it('treats a reply after the end time as late even before the close job has run', async () => {
    const s = await open();
    seedNationals(s.domain);
    const { rollCalls } = s.domain;
    const id = started(rollCalls, rollCallInput(s));
    s.clock.advance(7 * 3_600_000);
    expect(reply(rollCalls, PARIS, '1')).toMatchObject({ disposition: 'late' });
    expect(rollCalls.closeDue()).toEqual([id]);
    expect(rollCalls.get(id)).toMatchObject({ state: 'closed', closedBy: 'system:roll-calls' });
    expect(rollCalls.closeDue()).toEqual([]);
  });
});

describe('roll-call: follow-up, close and purge', () => {
  it('lets an agent set one person of a household apart, audited', async () => {
    const s = await open();
    const people = seedNationals(s.domain);
    const { rollCalls } = s.domain;
    const id = started(rollCalls, rollCallInput(s));
    reply(rollCalls, FAMILY, '1');
    const son = rollCalls.recordOutcome(
      id,
      people.son,
      { outcome: 'evacuated', status: 'need_help' },
      'agent:amina',
    );
    expect(son).toMatchObject({ status: 'need_help', outcome: 'evacuated', answerChannel: 'agent' });
    s.clock.advance(60_000);
    reply(rollCalls, FAMILY, '1');
    expect(rollCalls.people(id, { personId: people.son })[0]).toMatchObject({ status: 'need_help' });
    expect(rollCalls.people(id, { personId: people.mother })[0]).toMatchObject({ status: 'safe' });
    const actions = s.temp.store.db
      .prepare(`SELECT action FROM audit_log WHERE entity = 'roll_call' ORDER BY seq`)
      .pluck()
      .all();
    expect(actions).toEqual([
      'roll_call.started',
      'roll_call.answered',
      'roll_call.outcome',
      'roll_call.answered',
    ]);
  });

  it('is closed by the scheduled job once its end time has passed', async () => {
    const s = await open();
    seedNationals(s.domain);
    // The staff app's clock is in March 2026: by the job's real clock, this end is long past.
    const past = started(s.domain.rollCalls, rollCallInput(s));
    const future = started(s.domain.rollCalls, rollCallInput(s, { endsAt: '2100-01-01T00:00:00Z' }));
    const quiet = () => undefined;
    const log: JobLogger = { info: quiet, warn: quiet, error: quiet };
    const config = { dataDir: s.temp.dir, backup: { keep: 1 }, timeZone: 'UTC' };
    const jobs = createJobs({ store: s.temp.store, appointments: s.domain.appointments, config, log });
    expect(await jobs['roll-call-close'].run()).toMatchObject({ status: 'done', result: [past] });
    expect(s.domain.rollCalls.get(past).state).toBe('closed');
    expect(s.domain.rollCalls.get(future).state).toBe('open');
  });

  it('purges the answers with the retention job after the period, keeping the counts', async () => {
    const s = await open();
    seedNationals(s.domain);
    const { rollCalls } = s.domain;
    const id = started(rollCalls, rollCallInput(s));
    reply(rollCalls, PARIS, '1');
    reply(rollCalls, FAMILY, '2');
    reply(rollCalls, SANGO, 'on est a Creteil');
    reply(rollCalls, '+33699999999', 'qui etes-vous ?');
    rollCalls.close(id, 'consul:kossi');
    const counts = rollCalls.get(id).counts;
    expect(counts).toMatchObject({ reached: 4, safe: 1, needHelp: 2, noAnswer: 2, repliesAside: 1 });
    const closedAt = s.clock.now().getTime();
    purgeExpiredData(s.temp.store, {}, new Date(closedAt + 89 * 86_400_000));
    expect(rollCalls.people(id)).toHaveLength(6);
    purgeExpiredData(s.temp.store, { rollCallAnswersDays: 30 }, new Date(closedAt + 31 * 86_400_000));
    const after = rollCalls.get(id);
    expect(after.counts).toEqual(counts);
    expect(after.answersPurgedAt).not.toBeNull();
    expect(rollCalls.people(id)).toEqual([]);
    expect(rollCalls.replies(id)).toEqual([]);
    for (const table of ['roll_call_targets', 'roll_call_phones', 'roll_call_inbound']) {
      expect(s.temp.store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    }
  });

  it('refuses an outcome on a closed roll-call, and for a person it did not reach', async () => {
    const s = await open();
    const people = seedNationals(s.domain);
    const { rollCalls } = s.domain;
    const id = started(rollCalls, rollCallInput(s));
    const code = (work: () => unknown) => {
      try {
        work();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no refusal';
    };
    expect(code(() => rollCalls.recordOutcome(id, people.submittedOnly, { outcome: 'visited' }, 'a'))).toBe(
      'roll_call_target_not_found',
    );
    expect(code(() => rollCalls.recordOutcome(id, people.lyon, { outcome: 'sent_away' }, 'a'))).toBe(
      'invalid_input',
    );
    rollCalls.close(id, 'consul:kossi');
    expect(rollCalls.close(id, 'consul:kossi')).toBe(false);
    expect(code(() => rollCalls.recordOutcome(id, people.lyon, { outcome: 'visited' }, 'a'))).toBe(
      'roll_call_closed',
    );
  });
});
