import { afterEach, describe, expect, it } from 'vitest';
import type { Domain } from '../node/services/domain.js';
import { pageUser, staffApps } from './_util/backoffice-pages.js';
import { csrfOf, type StaffApp } from './_util/staff-app.js';

// Replies in any script, as people write them on a crisis night: kept as sent, shown escaped on
// the roll-call's back-office page. (node.backoffice.roll-calls.test.ts shows an <img> with
// Chinese; the service keeps Arabic and emoji: node.roll-calls.test.ts. Here each script, a
// <script> element and a reply by the web link, on the page a consul reads.)

const apps = staffApps();
afterEach(() => apps.closeAll());

const PHONES = ['+33611111111', '+33622222222', '+33633333333', '+33644444444', '+33655555555'];
const REPLIES = [
  'نحن بخير لكن نحتاج إلى ماء',
  '我们很安全，谢谢',
  '🙏🏾 tout le monde va bien 👍',
  '<script>alert("x")</script> Mbi yeke na siriri',
  'Ça & ça: "ok" <b>?',
];

function register(domain: Domain, n: number): void {
  const registration = domain.registrations.submit(
    {
      person: {
        givenNames: 'Awa',
        familyName: `Kossi ${n}`,
        phone: PHONES[n] ?? '',
        address: '12 rue Oberkampf, 75011 Paris',
        birthDate: '1988-01-01',
      },
      channel: 'counter',
      census: { languages: [] },
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  domain.registrations.verify(registration.id, 'agent:amina');
}

const START_FORM = {
  title: 'Consulat RCA',
  message_fr: 'Manifestations ce soir. Etes-vous en securite ?',
  message_sg: 'Aye na Paris la so. Mo yeke na siriri ?',
  message_en: 'Unrest tonight. Are you safe?',
  zone: 'all',
  places: '',
  hours: '24',
};

async function startedByConsul(s: StaffApp) {
  const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));
  const trial = await consul.submit('/staff/appels', '/staff/appels/essai', START_FORM);
  const started = await consul.post('/staff/appels', START_FORM, csrfOf(trial.body));
  const id = /\/staff\/appels\/([0-9a-f-]{36})\?ok=roll_call_started$/.exec(
    String(started.headers.location),
  )?.[1];
  if (started.statusCode !== 303 || id === undefined) throw new Error(`not started: ${started.statusCode}`);
  return { consul, id };
}

function escaped(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

describe('roll-call replies in any script', () => {
  it('keeps Arabic, Chinese, emoji and markup as sent, and shows them escaped to the consul', async () => {
    const s = await apps.open();
    for (let n = 0; n < PHONES.length; n++) register(s.domain, n);
    const { consul, id } = await startedByConsul(s);
    for (const [n, text] of REPLIES.entries()) {
      const from = PHONES[n] ?? '';
      s.domain.rollCalls.receiveSms({ from, rawFrom: from, text, gatewayId: `AT-script-${n}` });
    }
    // The test clock stands still: the replies share one time, so their order is not checked here.
    const kept = s.domain.rollCalls.replies(id).map((reply) => ({ from: reply.from, text: reply.text }));
    expect(kept).toHaveLength(REPLIES.length);
    expect(kept).toEqual(expect.arrayContaining(REPLIES.map((text, n) => ({ from: PHONES[n], text }))));
    expect(s.domain.rollCalls.get(id).counts).toMatchObject({ safe: 0, needHelp: 0 });
    const page = await consul.get(`/staff/appels/${id}`);
    expect(page.statusCode).toBe(200);
    for (const text of REPLIES) {
      const shown = escaped(text);
      // Quotes may be escaped too (&quot; or &#34;): the text around them is checked.
      for (const part of shown.split('"')) expect(page.body).toContain(part);
    }
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<b>?');
  });
});
