import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { FileError } from '../node/services/files/errors.js';
import { createFileService, type FileService } from '../node/services/files/file-service.js';
import { checkCharacter, generateTrackingNumber } from '../node/services/files/tracking-number.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { dueSms } from '../node/services/outbox/sms-outbox.js';
import { createPeopleRepository, type PeopleRepository } from '../node/services/people/people-repository.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Setup extends TempStore {
  people: PeopleRepository;
  files: FileService;
  clock: { now: Date; advanceHours(hours: number): void };
}

async function setup(): Promise<Setup> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const clock = {
    now: new Date('2026-03-02T09:00:00.000Z'),
    advanceHours(hours: number) {
      this.now = new Date(this.now.getTime() + hours * 3_600_000);
    },
  };
  const people = createPeopleRepository({ store: temp.store, defaultRegion: 'FR' });
  const files = createFileService({
    store: temp.store,
    people,
    trackingPrefix: 'PAR',
    defaultRegion: 'FR',
    now: () => clock.now,
  });
  return { ...temp, people, files, clock };
}

function applicant(s: Setup, phone: string | null = '+33612345678') {
  return s.people.create(
    {
      givenNames: 'Bénédicte',
      familyName: 'Ngaïkoumon',
      birthDate: '1988-03-14',
      ...(phone ? { phone } : {}),
    },
    'agent:amina',
  );
}

function expectFileError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).code).toBe(code);
    return;
  }
  throw new Error(`expected FileError ${code}`);
}

describe('node files: opening and workflow', () => {
  it('opens a file at the counter with its history, audit entry, event and SMS', async () => {
    const s = await setup();
    const person = applicant(s);
    const file = s.files.open(
      { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
      'amina',
    );
    expect(file).toMatchObject({ state: 'submitted', personId: person.id, channel: 'counter', lang: 'fr' });
    expect(s.files.findByTrackingNumber(file.trackingNumber.toLowerCase())).toEqual(file);
    expect(s.files.history(file.id)).toEqual([
      { from: null, to: 'submitted', actor: 'amina', at: file.openedAt },
    ]);
    const events = readBatch(s.store, { limit: 100, maxBytes: 1e6 }).filter((e) => e.event.entity === 'file');
    expect(events.map((e) => e.event.data)).toEqual([
      { serviceCode: 'passport-renewal', channel: 'counter', state: 'submitted' },
    ]);
    const audit = s.store.db.prepare("SELECT actor FROM audit_log WHERE action = 'file.opened'").all();
    expect(audit).toEqual([{ actor: 'amina' }]);
    const sms = dueSms(s.store, new Date('2030-01-01'), 10);
    expect(sms).toEqual([expect.objectContaining({ to: '+33612345678' })]);
    expect(sms[0]?.text).toContain(file.trackingNumber);
    expect(sms[0]?.text).toContain('enregistre');
  });

  it('refuses an unknown applicant and unknown fields', async () => {
    const s = await setup();
    expectFileError(
      () => s.files.open({ personId: 'nobody', serviceCode: 'legalisation', channel: 'online' }, 'web'),
      'unknown_person',
    );
    const person = applicant(s);
    const withExtra = { personId: person.id, serviceCode: 'legalisation', channel: 'online', fee: 1 };
    expect(() => s.files.open(withExtra as never, 'web')).toThrow(ZodError);
    expect(s.files.countByState()).toEqual({});
  });

  it('takes a file through the default workflow, recording who, when and the note of each move', async () => {
    const s = await setup();
    const file = s.files.open(
      { personId: applicant(s).id, serviceCode: 'passport-renewal', channel: 'online' },
      'web',
    );
    const path = ['in_review', 'awaiting_documents', 'in_review', 'approved', 'ready', 'delivered'] as const;
    for (const to of path) {
      s.clock.advanceHours(1);
      s.files.transition(file.id, { to, note: `vers ${to}` }, 'amina');
    }
    const history = s.files.history(file.id);
    expect(history.map((move) => move.to)).toEqual(['submitted', ...path]);
    expect(history[1]).toEqual({
      from: 'submitted',
      to: 'in_review',
      actor: 'amina',
      at: '2026-03-02T10:00:00.000Z',
      note: 'vers in_review',
    });
    expect(s.files.get(file.id)?.state).toBe('delivered');
    const notes = s.store.db
      .prepare('SELECT note_enc FROM file_transitions WHERE note_enc IS NOT NULL')
      .all();
    expect(notes).toHaveLength(path.length);
    for (const row of notes)
      expect(Buffer.from((row as { note_enc: Uint8Array }).note_enc).toString('latin1')).not.toContain(
        'vers',
      );
    expect(dueSms(s.store, new Date('2030-01-01'), 20)).toHaveLength(path.length + 1);
  });

  it('refuses a move the workflow does not allow and records nothing', async () => {
    const s = await setup();
    const file = s.files.open(
      { personId: applicant(s).id, serviceCode: 'passport-renewal', channel: 'online' },
      'web',
    );
    expectFileError(() => s.files.transition(file.id, { to: 'approved' }, 'amina'), 'transition_not_allowed');
    expectFileError(
      () => s.files.transition(file.id, { to: 'delivered' }, 'amina'),
      'transition_not_allowed',
    );
    expect(s.files.history(file.id)).toHaveLength(1);
    expect(s.files.get(file.id)?.state).toBe('submitted');
    expect(dueSms(s.store, new Date('2030-01-01'), 20)).toHaveLength(1);
    expectFileError(() => s.files.transition('no-such-file', { to: 'in_review' }, 'amina'), 'file_not_found');
  });

  it('refuses a move decided on a stale screen', async () => {
    const s = await setup();
    const file = s.files.open(
      { personId: applicant(s).id, serviceCode: 'passport-renewal', channel: 'online' },
      'web',
    );
    s.files.transition(file.id, { to: 'in_review', expectedFrom: 'submitted' }, 'amina');
    expectFileError(
      () => s.files.transition(file.id, { to: 'in_review', expectedFrom: 'submitted' }, 'jean'),
      'state_changed',
    );
  });

  it('follows a service’s own workflow: a life certificate is handed over without a ready step', async () => {
    const s = await setup();
    const person = applicant(s);
    const file = s.files.open(
      { personId: person.id, serviceCode: 'life-certificate', channel: 'counter' },
      'amina',
    );
    s.files.transition(file.id, { to: 'in_review' }, 'amina');
    s.files.transition(file.id, { to: 'approved' }, 'amina');
    expectFileError(() => s.files.transition(file.id, { to: 'ready' }, 'amina'), 'transition_not_allowed');
    expect(s.files.transition(file.id, { to: 'delivered' }, 'amina').state).toBe('delivered');
  });

  it('writes to the applicant in their language, and to no one without a phone', async () => {
    const s = await setup();
    const sango = s.files.open(
      { personId: applicant(s).id, serviceCode: 'legalisation', channel: 'online', lang: 'sg' },
      'web',
    );
    const english = s.files.open(
      {
        personId: applicant(s, '+33698765432').id,
        serviceCode: 'legalisation',
        channel: 'online',
        lang: 'en',
      },
      'web',
    );
    s.files.open(
      { personId: applicant(s, null).id, serviceCode: 'legalisation', channel: 'counter' },
      'amina',
    );
    const texts = dueSms(s.store, new Date('2030-01-01'), 20).map((sms) => sms.text);
    expect(texts).toEqual([
      `Consulat RCA: dossier ti mo ${sango.trackingNumber}: a yamba ni.`,
      `CAR Consulate: your file ${english.trackingNumber} is received.`,
    ]);
  });

  it('lists a state’s queue longest waiting first', async () => {
    const s = await setup();
    const person = applicant(s);
    const open = () =>
      s.files.open({ personId: person.id, serviceCode: 'legalisation', channel: 'online' }, 'web');
    const [first, second, third] = [open(), open(), open()];
    s.clock.advanceHours(1);
    s.files.transition(third!.id, { to: 'in_review' }, 'amina');
    s.clock.advanceHours(1);
    s.files.transition(first!.id, { to: 'in_review' }, 'amina');
    expect(s.files.queue({ state: 'in_review' }).map((f) => f.id)).toEqual([third!.id, first!.id]);
    expect(s.files.queue({ state: 'submitted' }).map((f) => f.id)).toEqual([second!.id]);
    expect(s.files.queue({ state: 'in_review', serviceCode: 'passport-renewal' })).toEqual([]);
    expect(s.files.countByState()).toEqual({ submitted: 1, in_review: 2 });
  });
});

describe('node files: time in each state', () => {
  it('sums time per state and leaves time awaiting the applicant out of the target', async () => {
    const s = await setup();
    const file = s.files.open(
      { personId: applicant(s).id, serviceCode: 'passport-renewal', channel: 'online' },
      'web',
    );
    const steps = [
      [24, 'in_review'],
      [48, 'awaiting_payment'],
      [240, 'in_review'],
      [24, 'approved'],
      [24, 'ready'],
    ] as const;
    for (const [hours, to] of steps) {
      s.clock.advanceHours(hours);
      s.files.transition(file.id, { to }, 'amina');
    }
    s.clock.advanceHours(100);
    const timing = s.files.timing(file.id, 5);
    const h = 3_600_000;
    expect(timing.perState).toEqual({
      submitted: 24 * h,
      in_review: 48 * h + 24 * h,
      awaiting_payment: 240 * h,
      approved: 24 * h,
      ready: 100 * h,
    });
    expect(timing.totalMs).toBe((24 + 48 + 240 + 24 + 24 + 100) * h);
    expect(timing.waitingOnApplicantMs).toBe(240 * h);
    expect(timing.processingMs).toBe((24 + 48 + 24 + 24) * h);
    expect(timing).toMatchObject({ targetMs: 120 * h, isOverdue: false, isClockStopped: true });
    expect(s.files.timing(file.id, 4).isOverdue).toBe(true);
  });

  it('keeps the clock running while a file is open', async () => {
    const s = await setup();
    const file = s.files.open(
      { personId: applicant(s).id, serviceCode: 'passport-renewal', channel: 'online' },
      'web',
    );
    s.clock.advanceHours(72);
    expect(s.files.timing(file.id, 2)).toMatchObject({ processingMs: 72 * 3_600_000, isOverdue: true });
  });
});

describe('node files: public lookup', () => {
  async function fileOf(s: Setup) {
    return s.files.open(
      { personId: applicant(s).id, serviceCode: 'passport-renewal', channel: 'online' },
      'web',
    );
  }

  it('shows only the status without the applicant’s secret, and the same with a wrong one', async () => {
    const s = await setup();
    const file = await fileOf(s);
    const statusOnly = {
      detailed: false,
      trackingNumber: file.trackingNumber,
      state: 'submitted',
      stateSince: file.openedAt,
    };
    expect(s.files.lookup(file.trackingNumber)).toEqual(statusOnly);
    for (const wrong of [
      '+33600000000',
      '06 00 00 00 00',
      '1988-03-15',
      '15/03/1988',
      '',
      'Ngaïkoumon',
      'x'.repeat(500),
    ]) {
      expect(s.files.lookup(file.trackingNumber, wrong), wrong).toEqual(statusOnly);
      // The right birth date between guesses: five wrong ones in a row would lock the file.
      expect(s.files.lookup(file.trackingNumber, '1988-03-14').detailed).toBe(true);
    }
  });

  it('shows the details with the applicant’s phone number or birth date in common formats', async () => {
    const s = await setup();
    const file = await fileOf(s);
    s.files.transition(file.id, { to: 'in_review', note: 'passeport ancien abîmé' }, 'amina');
    for (const secret of ['06 12 34 56 78', '+33612345678', '1988-03-14', '14/03/1988', '14031988']) {
      const view = s.files.lookup(file.trackingNumber.replaceAll('-', ''), secret);
      expect(view, secret).toMatchObject({
        detailed: true,
        serviceCode: 'passport-renewal',
        state: 'in_review',
        applicant: { givenNames: 'Bénédicte', familyName: 'Ngaïkoumon' },
        history: [{ state: 'submitted' }, { state: 'in_review' }],
      });
      expect(JSON.stringify(view)).not.toContain('abîmé');
    }
  });

  it('refuses a mistyped tracking number instead of finding another file', async () => {
    const s = await setup();
    const file = await fileOf(s);
    const chars = [...file.trackingNumber];
    chars[5] = chars[5] === '7' ? '8' : '7';
    expectFileError(() => s.files.lookup(chars.join(''), '1988-03-14'), 'invalid_tracking_number');
    expectFileError(() => s.files.lookup(generateTrackingNumber('YAO')), 'other_mission');
    expectFileError(
      () => s.files.lookup(`PAR-0000-0000-${checkCharacter('PAR', '00000000')}`),
      'file_not_found',
    );
  });
});
