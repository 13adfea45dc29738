import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildHubApp } from '../hub/http/app.js';
import { loginRoutes } from '../hub/http/auth/login-route.js';
import { requirePermission } from '../hub/http/auth/require-permission.js';
import { rollCallRoutes } from '../hub/http/roll-call-routes.js';
import { rollCallPages } from '../hub/http/web/roll-call-pages.js';
import {
  createRollCallsService,
  type RollCallsService,
} from '../hub/services/roll-calls/roll-calls-service.js';
import { type BootstrapResult, totpCodeAt } from '../hub/services/users/index.js';
import { RollCallEvents } from '../protocol/index.js';
import { ingestEvents } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub } from './_util/hub-fixtures.js';
import { csrfOf, type HubWebApp, openHubWeb } from './_util/hub-web.js';

const ORDER = {
  title: 'Émeutes à Bangui <b>',
  message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
  zone: { all: true },
  target: ['fr-paris'],
};

describe.each(storeBackends('hub roll-calls web and API'))(
  'roll-calls in the hub’s web and API on $name',
  (backend) => {
    let store: TestStore;
    let web: HubWebApp;
    let api: FastifyInstance;
    let rollCalls: RollCallsService;
    let director: BootstrapResult;
    let auditor: BootstrapResult;
    let clock = Date.now();
    const now = () => new Date(clock);

    beforeEach(async () => {
      store = await migratedStore(backend);
      const { hub, trust } = await enrolledHub(store.db, 'fr-paris');
      rollCalls = createRollCallsService({ db: store.db, hub, trust, publish: () => undefined, now });
      web = await openHubWeb(store.db, now, [rollCallPages(rollCalls)]);
      director = await web.user('directrice', ['directorate']);
      auditor = await web.user('auditeur', ['auditor']);
      api = await buildHubApp({ logLevel: 'silent' });
      const { auth } = web.services;
      await api.register(loginRoutes, { auth });
      await api.register(rollCallRoutes, {
        rollCalls,
        guard: (permission) => requirePermission(permission, { auth }),
        actor: (request) => request.user?.displayName ?? 'unknown',
      });
      await api.ready();
    });
    afterEach(async () => {
      await api?.close();
      await web?.close();
      await store?.dispose();
    });

    async function token(user: BootstrapResult): Promise<string> {
      clock += 30_000;
      const response = await api.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: {
          username: user.user.username,
          password: user.password,
          totp: totpCodeAt(user.totpSecret, now()),
        },
      });
      return (response.json() as { token: string }).token;
    }
    const endsAt = () => new Date(clock + 86_400_000).toISOString();

    it('lets whoever may write directives order a roll-call, and whoever may read them follow it', async () => {
      const auditorToken = await token(auditor);
      const refused = await api.inject({
        method: 'POST',
        url: '/api/v1/roll-calls',
        headers: { authorization: `Bearer ${auditorToken}` },
        payload: { ...ORDER, endsAt: endsAt() },
      });
      expect(refused.statusCode).toBe(403);
      expect((await api.inject({ url: '/api/v1/roll-calls' })).statusCode).toBe(401);

      const directorToken = await token(director);
      const ordered = await api.inject({
        method: 'POST',
        url: '/api/v1/roll-calls',
        headers: { authorization: `Bearer ${directorToken}` },
        payload: { ...ORDER, endsAt: endsAt() },
      });
      expect(ordered.statusCode).toBe(201);
      const { id, missions } = ordered.json() as { id: string; missions: string[] };
      expect(missions).toEqual(['fr-paris']);

      await ingestEvents(store.db, 'fr-paris', [
        {
          id: randomUUID(),
          kind: RollCallEvents.Counts,
          entity: 'roll_call',
          entityId: 'rc-1',
          at: now().toISOString(),
          data: {
            title: ORDER.title,
            directiveId: id,
            state: 'open',
            startedAt: now().toISOString(),
            endsAt: endsAt(),
            closedAt: null,
            countedAt: now().toISOString(),
            people: 1200,
            reached: 800,
            safe: 700,
            needHelp: 60,
            notInZone: 40,
            noAnswer: 400,
          },
        },
      ]);
      const auth = { authorization: `Bearer ${auditorToken}` };
      const list = await api.inject({ url: '/api/v1/roll-calls', headers: auth });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({
        rollCalls: [
          { id, title: ORDER.title, missionCount: 1, reporting: 1, totals: { people: 1200, needHelp: 60 } },
        ],
        local: [],
      });
      const detail = await api.inject({ url: `/api/v1/roll-calls/${id}`, headers: auth });
      expect(detail.json()).toMatchObject({
        id,
        missions: [{ missionId: 'fr-paris', rollCallId: 'rc-1', state: 'open', counts: { safe: 700 } }],
      });
      expect(
        (await api.inject({ url: `/api/v1/roll-calls/${randomUUID()}`, headers: auth })).statusCode,
      ).toBe(404);
      const csv = await api.inject({ url: `/api/v1/roll-calls/${id}/counts.csv`, headers: auth });
      expect(csv.headers['content-type']).toContain('text/csv');
      expect((parse(csv.body, { bom: true }) as string[][]).at(-1)?.slice(0, 4)).toEqual([
        'Total',
        '1/1 missions',
        '',
        '1200',
      ]);

      // The web pages: the list and the roll-call, in French, escaped, live, with the CSV link.
      const cookie = await web.login(auditor);
      const page = await web.app.inject({ url: '/web/appels', headers: { cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Appels de crise');
      expect(page.body).toContain('Émeutes à Bangui &lt;b&gt;');
      expect(page.body).toContain('data-live-region');
      expect(page.body).toContain('1\u202f200');
      const one = await web.app.inject({ url: `/web/appels/${id}`, headers: { cookie } });
      expect(one.statusCode).toBe(200);
      expect(one.body).toContain('1 mission(s) sur 1 ont envoyé leurs comptes');
      expect(one.body).toContain(`/web/export/appels/${id}.csv`);
      const exported = await web.app.inject({ url: `/web/export/appels/${id}.csv`, headers: { cookie } });
      expect(exported.statusCode).toBe(200);
      expect(exported.body).toBe(csv.body);
    });

    it('lets the directorate order a roll-call from the web form, showing what is wrong by each field', async () => {
      const auditorCookie = await web.login(auditor);
      expect(
        (await web.app.inject({ url: '/web/appels/nouveau', headers: { cookie: auditorCookie } })).statusCode,
      ).toBe(403);

      clock += 30_000;
      const cookie = await web.login(director);
      const list = await web.app.inject({ url: '/web/appels', headers: { cookie } });
      expect(list.body).toContain('/web/appels/nouveau');
      const form = await web.app.inject({ url: '/web/appels/nouveau', headers: { cookie } });
      expect(form.statusCode).toBe(200);
      const post = (fields: Record<string, string>) =>
        web.app.inject({
          method: 'POST',
          url: '/web/appels/nouveau',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: csrfOf(form.body), ...fields }).toString(),
        });
      const past = new Date(clock - 60_000).toISOString().slice(0, 16);
      const refused = await post({
        title: 'Crue',
        messageFr: 'Êtes-vous en sécurité ?',
        zone: 'cities',
        places: '',
        endsAt: past,
        target: 'all',
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('Nommez au moins une ville ou une région');
      expect(refused.body).toContain('La fin doit être à venir.');

      const future = new Date(clock + 86_400_000).toISOString().slice(0, 16);
      const sent = await post({
        title: 'Crue',
        messageFr: 'Êtes-vous en sécurité ?',
        zone: 'cities',
        places: 'Paris\nLyon',
        endsAt: future,
        target: 'some',
        missions: 'fr-paris',
        needHelpList: 'yes',
      });
      expect(sent.statusCode).toBe(303);
      const id = String(sent.headers.location).split('/').at(-1) as string;
      const detail = await rollCalls.detail(id);
      expect(detail).toMatchObject({
        title: 'Crue',
        needHelpList: true,
        zone: { cities: ['Paris', 'Lyon'] },
        message: {
          fr: 'Êtes-vous en sécurité ?',
          sg: 'Êtes-vous en sécurité ?',
          en: 'Êtes-vous en sécurité ?',
        },
        missionCount: 1,
      });
    });
  },
);
