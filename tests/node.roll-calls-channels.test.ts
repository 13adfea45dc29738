import { afterEach, describe, expect, it } from 'vitest';
import type { Domain } from '../node/services/domain.js';
import { createRollCallService, type RollCallService } from '../node/services/roll-calls/index.js';
import { ROLL_CALL_SMS_MAX, rollCallSmsText } from '../node/services/roll-calls/roll-call-sms-text.js';
import { smsOutbox, testClock } from './_util/appointments.js';
import { buildTestNode, parisNodeConfig, type TestNode } from './_util/node-app.js';

const PUBLIC_URL = 'https://paris.consulat-rca.example';
const ALONE = '+33611111111';
const FAMILY = '+33622222222';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

function register(domain: Domain, givenNames: string, familyName: string, phone: string): string {
  const registration = domain.registrations.submit(
    {
      person: { givenNames, familyName, phone, address: '3 rue de Bangui, Paris', birthDate: '1988-01-01' },
      channel: 'counter',
      census: { languages: [] },
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  domain.registrations.verify(registration.id, 'agent:amina');
  return registration.personId;
}

/** A mission whose roll-calls link to its public address, with one national alone and a household of two. */
async function mission(publicUrl: string | null = PUBLIC_URL) {
  const clock = testClock();
  const node = await buildTestNode({ now: clock.now });
  nodes.push(node);
  const rollCalls = createRollCallService({
    store: node.store,
    now: clock.now,
    publicUrl: publicUrl ?? undefined,
  });
  const people = {
    alone: register(node.domain, 'Awa', 'Ndjadder', ALONE),
    mother: register(node.domain, 'Odette', 'Kossi', FAMILY),
    son: register(node.domain, 'Jean', 'Kossi', FAMILY),
  };
  const outcome = rollCalls.start(
    {
      title: 'Consulat RCA',
      message: { fr: 'Etes-vous en securite ?', sg: 'Mo yeke na siriri ?', en: 'Are you safe?' },
      zone: { all: true },
      endsAt: new Date(clock.now().getTime() + 6 * 3_600_000).toISOString(),
    },
    { actor: 'consul:kossi' },
  );
  if (outcome.dryRun) throw new Error('a dry run');
  return { node, clock, rollCalls, people, id: outcome.id };
}

/** The token of the link in the roll-call SMS sent to a phone. */
function tokenSentTo(node: TestNode, phone: string): string {
  const sms = smsOutbox(node.store).find((row) => row.to === phone);
  const token = /\/r\/([A-Za-z0-9_-]+)$/m.exec(sms?.text ?? '')?.[1];
  if (token === undefined) throw new Error(`no link in the SMS to ${phone}`);
  return token;
}

function statusOf(rollCalls: RollCallService, id: string, personId: string) {
  return rollCalls.people(id, { personId })[0];
}

describe('roll-call web link', () => {
  it('puts one link of 128 random bits in each SMS and keeps only a keyed hash of it', async () => {
    const { node } = await mission();
    const texts = smsOutbox(node.store).map((sms) => sms.text);
    expect(texts).toHaveLength(2);
    for (const text of texts) {
      expect(text).toMatch(new RegExp(`\\n${PUBLIC_URL}/r/[A-Za-z0-9_-]{22}$`));
      expect(text.length).toBeLessThanOrEqual(480);
    }
    const alone = tokenSentTo(node, ALONE);
    expect(tokenSentTo(node, FAMILY)).not.toBe(alone);
    const hashes = node.store.db.prepare('SELECT token_hash FROM roll_call_phones').pluck().all() as Buffer[];
    expect(hashes).toHaveLength(2);
    for (const hash of hashes) {
      expect(hash).toHaveLength(32);
      expect(hash.toString('utf8')).not.toContain(alone);
      expect(Buffer.from(hash).toString('base64url')).not.toBe(alone);
    }
  });

  it('sends no link and keeps no token without a public address', async () => {
    const { node } = await mission(null);
    for (const sms of smsOutbox(node.store)) expect(sms.text).not.toContain('/r/');
    const hashes = node.store.db.prepare('SELECT token_hash FROM roll_call_phones').pluck().all();
    expect(hashes).toEqual([null, null]);
  });

  it('shows the household the link was sent to, and records each person’s answer once, the last winning', async () => {
    const { node, clock, rollCalls, people, id } = await mission();
    const token = tokenSentTo(node, FAMILY);
    const page = rollCalls.link(token);
    expect(page.ok && page.invitation.people.map((person) => person.name).sort()).toEqual([
      'Jean Kossi',
      'Odette Kossi',
    ]);
    if (!page.ok) throw new Error('refused');
    const jean = page.invitation.people.findIndex((person) => person.name === 'Jean Kossi');
    expect(rollCalls.answerLink({ token, person: jean, status: 'need_help' })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(statusOf(rollCalls, id, people.son)).toMatchObject({ status: 'need_help', answerChannel: 'web' });
    expect(statusOf(rollCalls, id, people.mother)?.status).toBe('no_answer');
    // A second click records nothing more; a later answer replaces the first.
    expect(rollCalls.answerLink({ token, person: jean, status: 'need_help' })).toMatchObject({
      changed: false,
    });
    clock.advanceMinutes(5);
    rollCalls.answerLink({ token, person: jean, status: 'safe' });
    expect(statusOf(rollCalls, id, people.son)?.status).toBe('safe');
    expect(rollCalls.get(id).counts).toMatchObject({ safe: 1, needHelp: 0, reached: 1 });
    const answered = node.store.db
      .prepare("SELECT count(*) FROM audit_log WHERE action = 'roll_call.answered' AND actor = 'web'")
      .pluck()
      .get();
    expect(answered).toBe(2);
  });

  it('keeps words typed beside an answer for an agent, as sent', async () => {
    const { node, rollCalls, id } = await mission();
    const token = tokenSentTo(node, ALONE);
    const words = 'Je suis bloquée à la gare, 电话没电 <b>vite</b>';
    rollCalls.answerLink({ token, person: 0, status: 'need_help', text: words });
    expect(rollCalls.replies(id)).toEqual([
      expect.objectContaining({ from: ALONE, text: words, disposition: 'free_text' }),
    ]);
  });

  it('refuses a malformed token, an unknown one, another household’s person and a closed roll-call, recording nothing', async () => {
    const { node, rollCalls, id } = await mission();
    const token = tokenSentTo(node, ALONE);
    const before = rollCalls.get(id).counts;
    expect(rollCalls.link('not-a-token')).toEqual({ ok: false, reason: 'malformed' });
    expect(rollCalls.link(`${token.slice(0, 21)}`)).toEqual({ ok: false, reason: 'malformed' });
    const unknown = token.startsWith('A') ? `B${token.slice(1)}` : `A${token.slice(1)}`;
    expect(rollCalls.link(unknown)).toEqual({ ok: false, reason: 'unknown' });
    expect(rollCalls.answerLink({ token: unknown, person: 0, status: 'safe' })).toEqual({
      ok: false,
      reason: 'unknown',
    });
    // The person alone is the only one of this link: index 1 is nobody of this household.
    expect(rollCalls.answerLink({ token, person: 1, status: 'safe' })).toEqual({
      ok: false,
      reason: 'not_in_household',
    });
    expect(rollCalls.answerLink({ token, person: -1, status: 'safe' })).toMatchObject({ ok: false });
    expect(rollCalls.answerLink({ token, person: 0.5, status: 'safe' })).toMatchObject({ ok: false });
    rollCalls.close(id, 'consul:kossi');
    expect(rollCalls.link(token)).toEqual({ ok: false, reason: 'closed' });
    expect(rollCalls.answerLink({ token, person: 0, status: 'safe' })).toEqual({
      ok: false,
      reason: 'closed',
    });
    expect(rollCalls.get(id).counts).toEqual(before);
  });

  it('refuses the token of an earlier roll-call once a new one is open for the same phone', async () => {
    const { node, clock, rollCalls, id } = await mission();
    const first = tokenSentTo(node, ALONE);
    rollCalls.close(id, 'consul:kossi');
    const second = rollCalls.start(
      {
        title: 'Consulat RCA',
        message: { fr: 'Et maintenant ?', sg: 'Fadeso ?', en: 'And now?' },
        zone: { all: true },
        endsAt: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      },
      { actor: 'consul:kossi' },
    );
    if (second.dryRun) throw new Error('a dry run');
    expect(rollCalls.answerLink({ token: first, person: 0, status: 'safe' })).toEqual({
      ok: false,
      reason: 'closed',
    });
    expect(rollCalls.get(second.id).counts.safe).toBe(0);
  });
});

describe('roll-call SMS text with its link', () => {
  const link = `${PUBLIC_URL}/r/AAAAAAAAAAAAAAAAAAAAAA`;
  const longest = {
    title: 'T'.repeat(60),
    message: 'M'.repeat(240),
    names: ['Odette Kossi-Ngaïkoumon', 'Jean Kossi-Ngaïkoumon', 'Prisca Kossi-Ngaïkoumon'],
  };

  it('keeps the link and the codes in the longest SMS, counting the names that no longer fit', () => {
    for (const language of ['fr', 'sg', 'en'] as const) {
      const text = rollCallSmsText({ ...longest, language, link });
      expect(text.length).toBeLessThanOrEqual(ROLL_CALL_SMS_MAX);
      expect(text.endsWith(`\n${link}`)).toBe(true);
      expect(text).toMatch(/1 = .*2 = .*3 = /);
      expect(text).toMatch(/\+\d/);
    }
  });

  it('leaves a link out rather than cut it when even the names counted leave it no room', () => {
    const far = `https://${'x'.repeat(120)}.example/r/AAAAAAAAAAAAAAAAAAAAAA`;
    const text = rollCallSmsText({ ...longest, language: 'sg', link: far });
    expect(text.length).toBeLessThanOrEqual(ROLL_CALL_SMS_MAX);
    expect(text).not.toContain('https://');
    expect(text).toMatch(/3 = mo yeke na ndo so pepe\.$/);
  });
});

describe('roll-call answers from a caller’s phone', () => {
  it('finds the roll-call open for a phone and records the answer for its household, channel ussd', async () => {
    const { rollCalls, people, id } = await mission();
    expect(rollCalls.openForPhone(FAMILY)).toMatchObject({ id, title: 'Consulat RCA', people: 2 });
    expect(rollCalls.openForPhone('+33699999999')).toBeUndefined();
    expect(rollCalls.answerFromPhone(FAMILY, 'safe', 'ussd')).toEqual({
      ok: true,
      rollCallId: id,
      people: 2,
    });
    for (const personId of [people.mother, people.son])
      expect(statusOf(rollCalls, id, personId)).toMatchObject({ status: 'safe', answerChannel: 'ussd' });
    expect(rollCalls.answerFromPhone('+33699999999', 'safe', 'ussd')).toEqual({
      ok: false,
      reason: 'no_open_roll_call',
    });
  });
});

describe('the mission’s public address', () => {
  it('is an http or https address in node.json, or absent', () => {
    expect(parisNodeConfig('/tmp/x', { http: { publicUrl: PUBLIC_URL } }).http.publicUrl).toBe(PUBLIC_URL);
    expect(parisNodeConfig('/tmp/x').http.publicUrl).toBeUndefined();
    expect(() => parisNodeConfig('/tmp/x', { http: { publicUrl: 'ftp://paris.example' } })).toThrow();
    expect(() => parisNodeConfig('/tmp/x', { http: { publicUrl: 'paris.consulat' } })).toThrow();
  });

  it('gives the roll-call SMS of a node configured with it their link, and none without', async () => {
    for (const publicUrl of [PUBLIC_URL, undefined]) {
      const clock = testClock();
      const node = await buildTestNode({
        now: clock.now,
        ...(publicUrl === undefined ? {} : { config: { http: { publicUrl } } }),
      });
      nodes.push(node);
      register(node.domain, 'Awa', 'Ndjadder', ALONE);
      node.domain.rollCalls.start(
        {
          title: 'Consulat RCA',
          message: { fr: 'Etes-vous en securite ?', sg: 'Mo yeke na siriri ?', en: 'Are you safe?' },
          zone: { all: true },
          endsAt: new Date(clock.now().getTime() + 3_600_000).toISOString(),
        },
        { actor: 'consul:kossi' },
      );
      const [sms] = smsOutbox(node.store);
      if (publicUrl === undefined) expect(sms?.text).not.toContain('/r/');
      else expect(sms?.text).toMatch(new RegExp(`\\n${PUBLIC_URL}/r/[A-Za-z0-9_-]{22}$`));
    }
  });
});
