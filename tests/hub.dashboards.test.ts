import { parse } from 'csv-parse/sync';
import type { FastifyPluginAsync } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadDashboard } from '../hub/dashboards/dashboard.js';
import { resolvePeriod } from '../hub/dashboards/period.js';
import { rollupRange } from '../hub/dashboards/rollup-range.js';
import { barChartSvg } from '../hub/dashboards/svg/bar-chart.js';
import { lineChartSvg } from '../hub/dashboards/svg/line-chart.js';
import { type HubWebDeps, renderHubPage, webGuard } from '../hub/http/web/index.js';
import type { BootstrapResult } from '../hub/services/users/index.js';
import { event, ingestEvents, parisMarch, seedDashboardData } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { cookiesOf, csrfOf, type HubWebApp, openHubWeb } from './_util/hub-web.js';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const MARCH = { du: '2026-03-01', au: '2026-03-31' };
const FORM = 'application/x-www-form-urlencoded';

describe.each(storeBackends('hub dashboards'))('hub dashboards on $name', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await migratedStore(backend);
    await seedDashboardData(store.db);
  });
  afterEach(async () => {
    await store?.dispose();
  });
  const march = () => loadDashboard(store.db, { period: resolvePeriod(MARCH, NOW), now: NOW });

  it('counts appointments, no-shows, files by state, money and satisfaction of the network', async () => {
    const d = await march();
    expect(d.activity.total.appointments).toEqual({
      booked: 6,
      honoured: 3,
      noShow: 2,
      cancelled: 1,
      noShowRate: 0.4,
    });
    expect(d.activity.byMission.get('fr-paris')?.appointments.noShowRate).toBeCloseTo(1 / 3);
    expect(d.files.total).toMatchObject({ submitted: 1, ready: 1, delivered: 1, rejected: 1, in_review: 0 });
    expect(d.activity.total.revenue).toEqual([
      { currency: 'EUR', collectedMinor: 17200, refundedMinor: 1000, netMinor: 16200, payments: 2 },
      { currency: 'XAF', collectedMinor: 75000, refundedMinor: 0, netMinor: 75000, payments: 2 },
    ]);
    expect(d.activity.total.satisfaction).toEqual({ answers: 2, average: 4 });
  });

  it('measures processing time without the days spent waiting on the applicant, against each target', async () => {
    const d = await march();
    const byService = Object.fromEntries(d.processing.map((p) => [p.serviceCode, p]));
    expect(byService['passport-renewal']).toMatchObject({
      serviceName: 'Renouvellement de passeport',
      files: 2,
      medianHours: 8 * 24,
      p90Hours: 20 * 24,
      targetDays: 15,
      onTargetShare: 0.5,
    });
    expect(byService.legalisation).toMatchObject({
      files: 1,
      medianHours: 3,
      targetDays: 0,
      onTargetShare: 0,
    });
  });

  it('reports links, directives acknowledged and overdue, and the registry queue per mission', async () => {
    const d = await march();
    expect(d.links.map((l) => [l.id, l.online, l.backlog])).toEqual([
      ['cm-yaounde', false, 12],
      ['fr-paris', true, 0],
    ]);
    expect(d.directives).toEqual([
      { missionId: 'cm-yaounde', expected: 1, acknowledged: 0, overdue: 1 },
      { missionId: 'fr-paris', expected: 1, acknowledged: 1, overdue: 0 },
    ]);
    expect(d.registry).toMatchObject([{ missionId: 'cm-yaounde', received: 2, pending: 1, review: 1 }]);
  });

  it('narrows every figure to one mission', async () => {
    const period = resolvePeriod(MARCH, NOW);
    const d = await loadDashboard(store.db, { period, now: NOW, missionId: 'cm-yaounde' });
    expect(d.links.map((l) => l.id)).toEqual(['cm-yaounde']);
    expect(d.activity.total.appointments.booked).toBe(2);
    expect(d.files.total).toMatchObject({ rejected: 1, submitted: 0 });
    expect(d.processing.map((p) => [p.serviceCode, p.files])).toEqual([['passport-renewal', 1]]);
  });

  it('filters by period: a day, March, the last twelve months', async () => {
    const day = await loadDashboard(store.db, {
      period: resolvePeriod({ du: '2026-03-02', au: '2026-03-02' }, NOW),
      now: NOW,
    });
    expect(day.activity.total.appointments.booked).toBe(3);
    expect((await march()).activity.total.appointments.booked).toBe(6);
    const year = await loadDashboard(store.db, { period: resolvePeriod({ periode: '12m' }, NOW), now: NOW });
    expect(year.activity.total.appointments.booked).toBe(7);
    expect(year.series.step).toBe('month');
    expect(year.series.points.find((p) => p.start === '2026-01-01')?.booked).toBe(1);
  });

  it('matches a raw count of the replicas over a period with ragged ends across months', async () => {
    const period = resolvePeriod({ du: '2026-01-10', au: '2026-03-05' }, NOW);
    const d = await loadDashboard(store.db, { period, now: NOW });
    const [raw] = await store.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM mission_events WHERE kind = 'appointment.booked' AND at >= $1 AND at < $2`,
      [period.from, period.to],
    );
    expect(d.activity.total.appointments.booked).toBe(Number(raw?.n));
    expect(d.activity.total.appointments.booked).toBe(7);
  });

  it('counts an event sent twice once, and keeps a malformed one without failing the batch', async () => {
    const again = parisMarch().slice(0, 1);
    await ingestEvents(store.db, 'fr-paris', again);
    await ingestEvents(store.db, 'fr-paris', again);
    expect((await march()).activity.total.appointments.booked).toBe(7);
    await ingestEvents(store.db, 'fr-paris', [
      event('file.transitioned', 'F9', '2026-03-20T00:00:00.000Z', { to: 'nowhere' }),
      event('survey.answered', 'S9', '2026-03-20T00:00:00.000Z', { rating: 11 }),
    ]);
    const d = await march();
    expect(d.activity.total.satisfaction).toEqual({ answers: 3, average: 8 / 3 });
    expect(d.files.total.submitted).toBe(1);
  });
});

describe('dashboard period arithmetic and charts', () => {
  it('reads whole months from the monthly rollup and the ragged days from the daily one', () => {
    const period = resolvePeriod({ du: '2026-01-15', au: '2026-04-09' }, NOW);
    expect(rollupRange(period)).toEqual({
      from: '2026-01-15',
      to: '2026-04-10',
      monthsFrom: '2026-02-01',
      monthsTo: '2026-04-01',
    });
    const within = resolvePeriod({ du: '2026-03-03', au: '2026-03-20' }, NOW);
    expect(rollupRange(within).monthsFrom).toBe(rollupRange(within).monthsTo);
  });

  it('draws well-formed, labelled SVG with escaped text', () => {
    const bars = barChartSvg({
      title: 'Dossiers <par> état',
      bars: [
        { label: 'A & B', value: 3 },
        { label: 'C', value: 0 },
      ],
    });
    const lines = lineChartSvg({
      title: 'Activité',
      labels: ['2026-03-01', '2026-03-02'],
      series: [{ name: 'Réservés', values: [1, 4] }],
    });
    for (const svg of [bars, lines]) {
      expect(isWellFormed(svg)).toBe(true);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img"/);
      expect(svg).not.toMatch(/style=|<script/);
    }
    expect(bars).toContain('<title>Dossiers &#60;par&#62; état</title>');
    expect(bars).toContain('>A &#38; B</text>');
    expect(lines).toContain('<title>Réservés</title>');
  });
});

describe.each(storeBackends('hub web pages'))('hub web pages on $name', (backend) => {
  let store: TestStore;
  let web: HubWebApp;
  let director: BootstrapResult;
  beforeEach(async () => {
    store = await migratedStore(backend);
    await seedDashboardData(store.db);
    web = await openHubWeb(store.db, () => NOW);
    director = await web.user('directrice', ['directorate']);
  });
  afterEach(async () => {
    await web?.close();
    await store?.dispose();
  });

  it('sends an anonymous visitor to the login page', async () => {
    for (const url of ['/web/tableau-de-bord', '/web/missions/fr-paris', '/web/export/rendez-vous.csv']) {
      const response = await web.app.inject({ url });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/web/connexion');
    }
    expect((await web.app.inject({ url: '/' })).headers.location).toBe('/web/tableau-de-bord');
  });

  it('logs in with password and TOTP into an HttpOnly, SameSite=Strict cookie and shows the dashboard', async () => {
    const page = await web.app.inject({ url: '/web/connexion' });
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const response = await web.app.inject({
      method: 'POST',
      url: '/web/connexion',
      headers: { cookie: cookiesOf(page.headers['set-cookie']), 'content-type': FORM },
      payload: new URLSearchParams({
        _csrf: csrfOf(page.body),
        username: 'directrice',
        password: director.password,
        totp: '000000',
      }).toString(),
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Identifiant, mot de passe ou code incorrect.');
    const cookie = await web.login(director);
    expect(cookie).toMatch(/econsulat_hub_session=/);
    const dashboard = await web.app.inject({
      url: `/web/tableau-de-bord?du=${MARCH.du}&au=${MARCH.au}`,
      headers: { cookie },
    });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toMatch(/<dd id="figure-booked">6<\/dd>/);
    expect(dashboard.body).toMatch(/<dd id="figure-no-show-rate">40\s%<\/dd>/);
    expect(dashboard.body).toContain('<a href="/web/missions">Missions</a>');
    expect(dashboard.body).not.toMatch(/<script>|style="/);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict for /web, until the session ends', async () => {
    const page = await web.app.inject({ url: '/web/connexion' });
    const response = await web.app.inject({
      method: 'POST',
      url: '/web/connexion',
      headers: { cookie: cookiesOf(page.headers['set-cookie']), 'content-type': FORM },
      payload: new URLSearchParams({
        _csrf: csrfOf(page.body),
        username: 'directrice',
        password: director.password,
        totp: (await import('../hub/services/users/index.js')).totpCodeAt(director.totpSecret, NOW),
      }).toString(),
    });
    const session = [response.headers['set-cookie']]
      .flat()
      .find((c) => c?.startsWith('econsulat_hub_session='));
    expect(session).toMatch(/Path=\/web; Expires=Wed, 01 Apr 2026 00:00:00 GMT; HttpOnly; SameSite=Strict/);
    expect(session).not.toMatch(/Secure/);
  });

  it('refuses the login and logout forms without their CSRF token', async () => {
    const page = await web.app.inject({ url: '/web/connexion' });
    const fields = { username: 'directrice', password: director.password, totp: '123456' };
    for (const _csrf of ['', 'forged-token-forged-token']) {
      const refused = await web.app.inject({
        method: 'POST',
        url: '/web/connexion',
        headers: { cookie: cookiesOf(page.headers['set-cookie']), 'content-type': FORM },
        payload: new URLSearchParams({ _csrf, ...fields }).toString(),
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['set-cookie']).toBeUndefined();
    }
    const cookie = await web.login(director);
    const logout = await web.app.inject({
      method: 'POST',
      url: '/web/deconnexion',
      headers: { cookie, 'content-type': FORM },
      payload: '_csrf=forged',
    });
    expect(logout.statusCode).toBe(403);
    expect((await web.app.inject({ url: '/web/tableau-de-bord', headers: { cookie } })).statusCode).toBe(200);
  });

  it('logs out with the token of the page, and the session no longer opens pages', async () => {
    const cookie = await web.login(director);
    const page = await web.app.inject({ url: '/web/missions', headers: { cookie } });
    const logout = await web.app.inject({
      method: 'POST',
      url: '/web/deconnexion',
      headers: { cookie, 'content-type': FORM },
      payload: `_csrf=${encodeURIComponent(csrfOf(page.body))}`,
    });
    expect(logout.statusCode).toBe(303);
    expect(logout.headers.location).toBe('/web/connexion?ok=logged_out');
    expect((await web.app.inject({ url: '/web/missions', headers: { cookie } })).statusCode).toBe(303);
  });

  it('answers 403 to a user whose roles lack the permission', async () => {
    const cabinet = await web.user('cabinet', ['minister_office']);
    const cookie = await web.login(cabinet);
    const refused = await web.app.inject({ url: '/web/export/registre.csv', headers: { cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Votre rôle ne donne pas accès à cette page.');
    const page = await web.app.inject({ url: '/web/tableau-de-bord', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('id="table-registre"');
  });

  it('guards pages that other parts add to the shell, and shows their menu entry to the roles allowed', async () => {
    const accounts: FastifyPluginAsync<HubWebDeps> = async (app, deps) => {
      app.hubNav.add({ href: '/web/comptes', label: 'Comptes', permission: 'users.manage', order: 50 });
      app.get('/comptes', { preHandler: webGuard(deps, 'users.manage') }, (request, reply) =>
        renderHubPage(request, reply, 'error', {
          title: 'Comptes',
          status: 200,
          code: 'ok',
          message: 'Comptes',
        }),
      );
    };
    const extended = await openHubWeb(store.db, () => NOW, [accounts]);
    try {
      expect((await extended.app.inject({ url: '/web/comptes' })).statusCode).toBe(303);
      const auditor = await extended.user('auditeur', ['auditor']);
      const refused = await extended.app.inject({
        url: '/web/comptes',
        headers: { cookie: await extended.login(auditor) },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).not.toContain('href="/web/comptes"');
      const admin = await extended.user('administration', ['directorate']);
      const allowed = await extended.app.inject({
        url: '/web/comptes',
        headers: { cookie: await extended.login(admin) },
      });
      expect(allowed.statusCode).toBe(200);
      expect(allowed.body).toContain('<a href="/web/comptes" aria-current="page">Comptes</a>');
    } finally {
      await extended.close();
    }
  });

  it('exports each table as CSV over the page’s period and scope', async () => {
    const cookie = await web.login(director);
    const response = await web.app.inject({
      url: `/web/export/rendez-vous.csv?du=${MARCH.du}&au=${MARCH.au}`,
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="rendez-vous_2026-03-01_2026-03-31.csv"',
    );
    expect(parse(response.body, { bom: true })).toEqual([
      ['Mission', 'Réservés', 'Honorés', 'Absents', 'Taux d’absence', 'Annulés'],
      ['cm-yaounde', '2', '1', '1', '0.5000', '0'],
      ['fr-paris', '4', '2', '1', '0.3333', '1'],
      ['Réseau', '6', '3', '2', '0.4000', '1'],
    ]);
    const money = await web.app.inject({
      url: `/web/export/recettes.csv?du=${MARCH.du}&au=${MARCH.au}&mission=fr-paris`,
      headers: { cookie },
    });
    expect(parse(money.body, { bom: true })).toEqual([
      ['Mission', 'Devise', 'Paiements', 'Encaissé', 'Remboursé', 'Net'],
      ['fr-paris', 'EUR', '2', '172.00', '10.00', '162.00'],
      ['fr-paris', 'XAF', '1', '25000', '0', '25000'],
    ]);
    const delays = await web.app.inject({
      url: `/web/export/delais.csv?du=${MARCH.du}&au=${MARCH.au}`,
      headers: { cookie },
    });
    expect(parse(delays.body, { bom: true })).toEqual([
      [
        'Service',
        'Dossiers',
        'Médiane (jours)',
        '90ᵉ centile (jours)',
        'Objectif (jours)',
        'Dans l’objectif',
      ],
      ['Légalisation', '1', '0.13', '0.13', '0', '0.0000'],
      ['Renouvellement de passeport', '2', '8.00', '20.00', '15', '0.5000'],
    ]);
  });

  it('refuses an unknown table, a reversed period and an unknown field with 400 or 404', async () => {
    const cookie = await web.login(director);
    const get = (url: string) => web.app.inject({ url, headers: { cookie } });
    expect((await get('/web/export/salaires.csv')).statusCode).toBe(400);
    const reversed = await get('/web/tableau-de-bord?du=2026-03-10&au=2026-03-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('La demande est incomplète ou invalide');
    expect((await get('/web/tableau-de-bord?periode=1000j')).statusCode).toBe(400);
    expect((await get('/web/tableau-de-bord?sql=1')).statusCode).toBe(400);
    expect((await get('/web/missions/xx-nowhere')).statusCode).toBe(404);
  });

  it('pushes change notices over the live socket to a session, and refuses anonymous or cross-origin sockets', async () => {
    const cookie = await web.login(director);
    const base = (await web.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    const refusal = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${base}/web/live`, { headers });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => reject(new Error('socket opened')));
      });
    expect(await refusal({})).toBe(403);
    expect(await refusal({ cookie, origin: 'https://elsewhere.example' })).toBe(403);
    const socket = new WebSocket(`${base}/web/live`, { headers: { cookie } });
    await new Promise((resolve) => socket.once('open', resolve));
    const received = new Promise<string>((resolve) =>
      socket.once('message', (data) => resolve(String(data))),
    );
    for (let i = 0; i < 3; i++) web.changes.publish({ missionId: 'fr-paris', topic: 'events' });
    expect(JSON.parse(await received)).toEqual({ missionId: 'fr-paris', topic: 'events' });
    socket.close();
  });

  it('shows a mission’s own dashboard and the missions list', async () => {
    const cookie = await web.login(director);
    const mission = await web.app.inject({
      url: `/web/missions/cm-yaounde?du=${MARCH.du}&au=${MARCH.au}`,
      headers: { cookie },
    });
    expect(mission.statusCode).toBe(200);
    expect(mission.body).toContain('Ambassade à Yaoundé (cm-yaounde)');
    expect(mission.body).toMatch(/<dd id="figure-booked">2<\/dd>/);
    expect(mission.body).toContain('data-live-mission="cm-yaounde"');
    expect(mission.body).toContain(
      'href="/web/export/rendez-vous.csv?du=2026-03-01&amp;au=2026-03-31&amp;mission=cm-yaounde"',
    );
    const list = await web.app.inject({ url: '/web/missions', headers: { cookie } });
    expect(list.body).toContain('<a href="/web/missions/fr-paris">Ambassade à Paris</a>');
    const directives = await web.app.inject({ url: '/web/directives', headers: { cookie } });
    expect(directives.body).toContain('Recensement');
  });
});

/** A check that tags open and close in order (the SVG we write has no comments or CDATA). */
function isWellFormed(markup: string): boolean {
  const stack: string[] = [];
  for (const [, closing, name, , selfClosing] of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) stack.push(name ?? '');
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0 && !/&(?!#\d+;|amp;|lt;|gt;|quot;)/.test(markup);
}
