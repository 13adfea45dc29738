import { afterEach, describe, expect, it } from 'vitest';
import { PORTAL_PATHS, type PortalRateLimits } from '../node/http/portal/index.js';
import type { Domain } from '../node/services/domain.js';
import { createRollCallService } from '../node/services/roll-calls/index.js';
import { smsOutbox } from './_util/appointments.js';
import type { TestNode } from './_util/node-app.js';
import { PortalVisitor, portalNode } from './_util/portal.js';

const PUBLIC_URL = 'https://paris.consulat-rca.example';
const ALONE = '+33611111111';
const FAMILY = '+33622222222';
const PAGE_BUDGET = 14 * 1024;
const LANGS = ['fr', 'sg', 'en'] as const;

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

/**
 * A Paris portal with an open roll-call, started by a roll-call service that links to the public
 * address (the portal's own service reads the same store): one national alone, a household of two.
 */
async function portalWithRollCall(limits?: Partial<PortalRateLimits>) {
  const node = await portalNode(limits ? { limits } : {});
  nodes.push(node);
  const linking = createRollCallService({ store: node.store, now: node.clock.now, publicUrl: PUBLIC_URL });
  const people = {
    alone: register(node.domain, 'Awa', 'Ndjadder', ALONE),
    mother: register(node.domain, 'Odette', 'Kossi', FAMILY),
    son: register(node.domain, 'Jean', 'Kossi', FAMILY),
  };
  const outcome = linking.start(
    {
      title: 'Consulat RCA',
      message: {
        fr: 'Manifestations ce soir. Etes-vous en securite ?',
        sg: 'Aye na Paris la so. Mo yeke na siriri ?',
        en: 'Unrest tonight. Are you safe?',
      },
      zone: { all: true },
      endsAt: new Date(node.clock.now().getTime() + 6 * 3_600_000).toISOString(),
    },
    { actor: 'consul:kossi' },
  );
  if (outcome.dryRun) throw new Error('a dry run');
  return { node, people, id: outcome.id };
}

/** The path of the link in the roll-call SMS sent to a phone (`/r/<token>`). */
function linkSentTo(node: TestNode, phone: string): string {
  const text = smsOutbox(node.store).find((sms) => sms.to === phone)?.text ?? '';
  const link = new RegExp(`^${PUBLIC_URL}(/r/\\S+)$`, 'm').exec(text)?.[1];
  if (link === undefined) throw new Error(`no link in the SMS to ${phone}`);
  return link;
}

function statusOf(node: TestNode, id: string, personId: string) {
  return node.domain.rollCalls.people(id, { personId })[0];
}

function auditCount(node: TestNode): unknown {
  return node.store.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
}

describe('portal: the page of a roll-call link', () => {
  it('shows the message and three answers for each person of the household, in fr, sg and en', async () => {
    const { node } = await portalWithRollCall();
    const link = linkSentTo(node, FAMILY);
    expect(link).toMatch(/^\/r\/[A-Za-z0-9_-]{22}$/);
    for (const lang of LANGS) {
      const page = await new PortalVisitor(node).get(`${link}?lang=${lang}`);
      expect(page.statusCode, lang).toBe(200);
      expect(page.body).toContain(`<html lang="${lang}">`);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.body).toContain('Odette Kossi');
      expect(page.body).toContain('Jean Kossi');
      expect(page.body.match(/<form method="post"/g)).toHaveLength(2);
      expect(page.body.match(/<button type="submit" name="status"/g)).toHaveLength(6);
      expect(page.body).not.toMatch(/undefined|\[object |NaN/);
    }
    const en = await new PortalVisitor(node).get(`${link}?lang=en`);
    expect(en.body).toContain('Unrest tonight. Are you safe?');
    expect(en.body).toContain('I need help');
  });

  it(`fits ${PAGE_BUDGET} bytes compressed, with no script, a label for every field and a skip link`, async () => {
    const { node } = await portalWithRollCall();
    const link = linkSentTo(node, FAMILY);
    for (const lang of LANGS) {
      const page = await new PortalVisitor(node, { 'accept-encoding': 'gzip, br' }).get(
        `${link}?lang=${lang}`,
      );
      expect(page.headers['content-encoding']).toMatch(/^(br|gzip)$/);
      expect(page.rawPayload.length).toBeLessThanOrEqual(PAGE_BUDGET);
    }
    const body = (await new PortalVisitor(node).get(link)).body;
    expect(body).not.toMatch(/<script|\sstyle=|<style|\son[a-z]+=/i);
    expect(body).toContain('<a class="skip" href="#main">');
    expect(body).toContain('<main id="main"');
    const fields = [...body.matchAll(/<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*>/g)];
    const ids = fields.map((field) => /\bid="([^"]+)"/.exec(field[0])?.[1]);
    expect(fields).toHaveLength(2);
    for (const id of ids) expect(body).toContain(`for="${id}"`);
    expect(body).toMatch(/<fieldset>\s*<legend>[^<]*Kossi<\/legend>/);
  });

  it('records one person’s answer through a plain form post, the last answer winning, channel web', async () => {
    const { node, people, id } = await portalWithRollCall();
    const link = linkSentTo(node, FAMILY);
    const visitor = new PortalVisitor(node);
    const page = await visitor.get(link);
    const jean = /name="person" value="(\d)">\s*<fieldset>\s*<legend>[^<]*Jean Kossi/.exec(page.body)?.[1];
    expect(jean).toBeDefined();
    const answered = await visitor.post(link, {
      person: jean ?? '',
      status: 'need_help',
      words: 'Blessé, gare du Nord',
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.body).toContain('role="status"');
    expect(statusOf(node, id, people.son)).toMatchObject({ status: 'need_help', answerChannel: 'web' });
    expect(statusOf(node, id, people.mother)?.status).toBe('no_answer');
    expect(node.domain.rollCalls.replies(id)).toEqual([
      expect.objectContaining({ from: FAMILY, text: 'Blessé, gare du Nord' }),
    ]);
    await visitor.post(link, { person: jean ?? '', status: 'safe' });
    expect(statusOf(node, id, people.son)?.status).toBe('safe');
    expect(node.domain.rollCalls.get(id).counts).toMatchObject({ safe: 1, needHelp: 0 });
  });

  it('shows words typed in any script escaped, never as markup', async () => {
    const { node, id } = await portalWithRollCall();
    const link = linkSentTo(node, ALONE);
    const visitor = new PortalVisitor(node);
    await visitor.get(link);
    await visitor.post(link, { person: '0', status: 'safe', words: '<script>alert(1)</script> سلام' });
    expect(node.domain.rollCalls.replies(id)[0]?.text).toBe('<script>alert(1)</script> سلام');
    const again = await visitor.get(link);
    expect(again.body).not.toContain('<script>');
  });

  it('asks again for an answer when none was chosen, recording nothing', async () => {
    const { node, id } = await portalWithRollCall();
    const link = linkSentTo(node, ALONE);
    const visitor = new PortalVisitor(node);
    await visitor.get(link);
    const before = auditCount(node);
    const refused = await visitor.post(link, { person: '0', status: 'maybe' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('role="alert"');
    expect(auditCount(node)).toEqual(before);
    expect(node.domain.rollCalls.get(id).counts.reached).toBe(0);
  });

  it('refuses a malformed, unknown or closed link, and another household’s person, with a clear page and nothing recorded', async () => {
    const { node, id } = await portalWithRollCall();
    const link = linkSentTo(node, ALONE);
    const token = link.slice(3);
    const unknown = PORTAL_PATHS.rollCall(`${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`);
    const visitor = new PortalVisitor(node);
    for (const url of [PORTAL_PATHS.rollCall('abc'), PORTAL_PATHS.rollCall(`${token}x`), unknown]) {
      const page = await visitor.get(`${url}?lang=en`);
      expect(page.statusCode, url).toBe(404);
      expect(page.body).toContain('role="alert"');
      expect(page.body).toContain('This link is not valid');
      expect(page.body).not.toContain('<form method="post"');
    }
    const before = auditCount(node);
    await visitor.get(link);
    const forged = await visitor.post(unknown, { person: '0', status: 'safe' });
    expect(forged.statusCode).toBe(404);
    await visitor.get(link);
    const stranger = await visitor.post(link, { person: '1', status: 'safe' });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.body).toContain('role="alert"');
    // The page opened before the roll-call closed, its answer posted after.
    await visitor.get(link);
    node.domain.rollCalls.close(id, 'consul:kossi');
    const afterClose = auditCount(node);
    const closed = await visitor.post(link, { person: '0', status: 'safe' });
    expect(closed.statusCode).toBe(410);
    expect(closed.body).toContain('role="alert"');
    expect((await visitor.get(`${link}?lang=fr`)).body).toContain('Cet appel de sécurité est terminé');
    expect(auditCount(node)).toEqual(afterClose);
    expect(Number(afterClose) - Number(before)).toBe(1);
    expect(node.domain.rollCalls.get(id).counts.reached).toBe(0);
  });

  it('refuses an answer posted without the page’s CSRF token', async () => {
    const { node, id } = await portalWithRollCall();
    const link = linkSentTo(node, ALONE);
    const visitor = new PortalVisitor(node);
    await visitor.get(link);
    const refused = await visitor.post(link, { _csrf: '', person: '0', status: 'safe' });
    expect(refused.statusCode).toBe(403);
    expect(node.domain.rollCalls.get(id).counts.reached).toBe(0);
  });

  it('limits look-ups of links per address, with a limit of their own', async () => {
    // A link carries 128 random bits: its limit only bounds load, and is not the tracking
    // look-ups' small one, since many phones may answer from behind one carrier address.
    const { node } = await portalWithRollCall({ lookup: 1, rollCallAnswer: 3 });
    const visitor = new PortalVisitor(node);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await visitor.get(PORTAL_PATHS.rollCall(`guess${i}`))).statusCode);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const link = linkSentTo(node, ALONE);
    expect((await visitor.get(link)).statusCode).toBe(429);
  });
});
