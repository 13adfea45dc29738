import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { Domain } from '../node/services/domain.js';
import { smsOutbox } from './_util/appointments.js';
import { pageUser, staffApps } from './_util/backoffice-pages.js';
import { csrfOf, type StaffApp } from './_util/staff-app.js';

const apps = staffApps();
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await apps.closeAll();
});

const ALONE = '+33611111111';
const FAMILY = '+33622222222';

function register(domain: Domain, givenNames: string, phone: string, address: string): string {
  const registration = domain.registrations.submit(
    {
      person: { givenNames, familyName: 'Kossi', phone, address, birthDate: '1988-01-01' },
      channel: 'counter',
      census: { languages: [] },
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  domain.registrations.verify(registration.id, 'agent:amina');
  return registration.personId;
}

function seed(s: StaffApp) {
  return {
    awa: register(s.domain, 'Awa', ALONE, '12 rue Oberkampf, 75011 Paris'),
    odette: register(s.domain, 'Odette', FAMILY, '3 avenue de Saint-Ouen, 75017 Paris'),
    jean: register(s.domain, 'Jean', FAMILY, '3 avenue de Saint-Ouen, 75017 Paris'),
  };
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

let gatewayIds = 0;
function smsFrom(s: StaffApp, from: string, text: string) {
  return s.domain.rollCalls.receiveSms({ from, rawFrom: from, text, gatewayId: `AT-${++gatewayIds}` });
}

/** A consul who starts a roll-call from the back office (dry run, then confirmation); its id. */
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

describe('back office: roll-calls', () => {
  it('shows a consul the reach of a dry run before anything is sent, then starts on confirmation', async () => {
    const s = await apps.open();
    seed(s);
    const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));
    const list = await consul.get('/staff/appels');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Appels de sécurité');
    expect(list.body).toContain('Aucun appel de sécurité.');
    const trial = await consul.submit('/staff/appels', '/staff/appels/essai', START_FORM);
    expect(trial.statusCode).toBe(200);
    expect(trial.body).toContain('joindrait 3 personne(s), 2 téléphone(s), soit 2 SMS');
    expect(trial.body).toContain('Confirmer et envoyer les 2 SMS');
    expect(smsOutbox(s.temp.store)).toEqual([]);
    expect(s.domain.rollCalls.list()).toEqual([]);
    const started = await consul.post('/staff/appels', START_FORM, csrfOf(trial.body));
    expect(started.statusCode).toBe(303);
    const page = await consul.get(String(started.headers.location));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Appel de sécurité lancé');
    expect(page.body).toMatch(/<dt>Personnes<\/dt><dd data-count="people">3<\/dd>/);
    expect(page.body).toMatch(/<dt>Sans réponse<\/dt><dd data-count="noAnswer">3<\/dd>/);
    expect(
      smsOutbox(s.temp.store)
        .map((sms) => sms.to)
        .sort(),
    ).toEqual([ALONE, FAMILY]);
  });

  it('keeps the consul’s words and says what to fix when the form is refused', async () => {
    const s = await apps.open();
    seed(s);
    const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));
    const refused = await consul.submit('/staff/appels', '/staff/appels/essai', {
      ...START_FORM,
      message_sg: '',
      zone: 'cities',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toContain('Unrest tonight. Are you safe?');
    expect(s.domain.rollCalls.list()).toEqual([]);
  });

  it('lists who needs help or has not answered with phone and address, and records an agent’s outcome', async () => {
    const s = await apps.open();
    const people = seed(s);
    const { id } = await startedByConsul(s);
    smsFrom(s, FAMILY, '2');
    const agent = await pageUser(s, await s.enrolled('amina', ['agent']));
    const page = await agent.get(`/staff/appels/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<dt>Besoin d’aide<\/dt><dd data-count="needHelp">2<\/dd>/);
    expect(page.body).toMatch(/<dt>Joints<\/dt><dd data-count="reached">2<\/dd>/);
    const needHelp = page.body.slice(
      page.body.indexOf('id="liste-needHelp"'),
      page.body.indexOf('id="liste-noAnswer"'),
    );
    expect(needHelp).toContain('Odette Kossi');
    expect(needHelp).toContain(`href="tel:${FAMILY}"`);
    expect(needHelp).toContain('3 avenue de Saint-Ouen, 75017 Paris');
    expect(page.body.slice(page.body.indexOf('id="liste-noAnswer"'))).toContain('Awa Kossi');
    expect(page.body).not.toContain('Clôturer l’appel');
    const recorded = await agent.submit(`/staff/appels/${id}`, `/staff/appels/${id}/suivi/${people.jean}`, {
      outcome: 'evacuated',
      status: 'safe',
    });
    expect(recorded.statusCode).toBe(303);
    expect(s.domain.rollCalls.people(id, { personId: people.jean })[0]).toMatchObject({
      status: 'safe',
      outcome: 'evacuated',
      answerChannel: 'agent',
    });
    const after = await agent.get(String(recorded.headers.location));
    expect(after.body).toContain('Suivi enregistré.');
    expect(after.body).toMatch(/data-count="safe">1</);
  });

  it('shows free-text replies escaped, as sent', async () => {
    const s = await apps.open();
    seed(s);
    const { consul, id } = await startedByConsul(s);
    smsFrom(s, ALONE, '<img src=x onerror=alert(1)> 我很安全');
    const page = await consul.get(`/staff/appels/${id}`);
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt; 我很安全');
    expect(page.body).not.toContain('<img src=x');
  });

  it('lets the consul close the roll-call; its page then takes no more outcomes', async () => {
    const s = await apps.open();
    const people = seed(s);
    const { consul, id } = await startedByConsul(s);
    const closed = await consul.submit(`/staff/appels/${id}`, `/staff/appels/${id}/cloturer`, {});
    expect(closed.statusCode).toBe(303);
    const page = await consul.get(String(closed.headers.location));
    expect(page.body).toContain('Appel de sécurité clôturé');
    expect(page.body).not.toContain('Clôturer l’appel');
    expect(page.body).not.toContain('name="outcome"');
    expect(s.domain.rollCalls.get(id).state).toBe('closed');
    const late = await consul.post(
      `/staff/appels/${id}/suivi/${people.awa}`,
      { outcome: 'visited', status: '' },
      csrfOf(page.body),
    );
    expect(late.statusCode).toBe(409);
  });

  it('refuses an agent the start and the close, and a form without its CSRF token', async () => {
    const s = await apps.open();
    seed(s);
    const { id } = await startedByConsul(s);
    const agent = await pageUser(s, await s.enrolled('amina', ['agent']));
    const list = await agent.get('/staff/appels');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('Lancer un appel');
    const csrf = csrfOf(list.body);
    expect((await agent.post('/staff/appels/essai', START_FORM, csrf)).statusCode).toBe(403);
    expect((await agent.post(`/staff/appels/${id}/cloturer`, {}, csrf)).statusCode).toBe(403);
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    expect((await consul.post(`/staff/appels/${id}/cloturer`, {}, '')).statusCode).toBe(403);
    expect(s.domain.rollCalls.get(id).state).toBe('open');
  });

  it('tells the open screens of the roll-call when an answer changes its counts, names and numbers left out', async () => {
    const s = await apps.open();
    seed(s);
    const { consul, id } = await startedByConsul(s);
    const received: { type: string }[] = [];
    let wake: () => void = () => undefined;
    const socket = await s.app.injectWS(
      '/api/v1/staff/live',
      { headers: { cookie: consul.cookie }, socket: { remoteAddress: '127.0.0.1' } } as unknown as Parameters<
        StaffApp['app']['injectWS']
      >[1],
      {
        onInit: (ws) => {
          ws.on('message', (data) => {
            received.push(JSON.parse(String(data)) as { type: string });
            wake();
          });
        },
      },
    );
    sockets.push(socket);
    const arrived = new Promise<void>((resolve) => {
      wake = resolve;
    });
    smsFrom(s, FAMILY, '1');
    await arrived;
    expect(received[0]).toMatchObject({ type: 'roll_call.counts' });
    const wire = JSON.stringify(received);
    for (const personal of ['Odette', 'Kossi', FAMILY, '622222222']) expect(wire).not.toContain(personal);
    // The page the script fetches again has the new counts in its live regions.
    const page = await consul.get(`/staff/appels/${id}`);
    expect(page.body).toMatch(
      /<section data-live="roll_call" data-live-region[^>]*>[\s\S]*data-count="safe">2</,
    );
  });
});
