import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDashboard } from '../hub/dashboards/dashboard.js';
import { dashboardTable } from '../hub/dashboards/tables.js';
import { buildHubApp } from '../hub/http/app.js';
import { requirePermission } from '../hub/http/auth/require-permission.js';
import { hubApiRoutes } from '../hub/http/routes.js';
import {
  type MissionEvent,
  type VisaDecidedData,
  VisaEvents,
  type VisaRequestedData,
} from '../protocol/index.js';
import { addMission, ingestEvents } from './_util/dashboard-data.js';
import { openHubAdminApp } from './_util/hub-admin-app.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type HubWebApp, openHubWeb } from './_util/hub-web.js';

const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
const NOW = new Date('2026-04-02T12:00:00Z');

type Kind = VisaRequestedData['documentKind'];

function requested(id: string, submittedAt: string, nationality: string, kind: Kind = 'visa'): MissionEvent {
  const data: VisaRequestedData = { documentKind: kind, nationality, submittedAt };
  return {
    id: randomUUID(),
    kind: VisaEvents.Requested,
    entity: 'visa_application',
    entityId: id,
    at: submittedAt,
    data,
  };
}

function decided(
  id: string,
  submittedAt: string,
  hours: number,
  outcome: VisaDecidedData['outcome'],
  nationality: string,
  kind: Kind = 'visa',
): MissionEvent {
  const decidedAt = new Date(Date.parse(submittedAt) + hours * 3_600_000).toISOString();
  const data: VisaDecidedData = {
    documentKind: kind,
    nationality,
    outcome,
    visaType: outcome === 'granted' ? '01' : null,
    submittedAt,
    decidedAt,
    processingHours: hours,
  };
  return {
    id: randomUUID(),
    kind: VisaEvents.Decided,
    entity: 'visa_application',
    entityId: id,
    at: decidedAt,
    data,
  };
}

/**
 * Paris: five French-speaking applicants and a national's laissez-passer; Yaoundé: two. Decisions
 * in March at 24, 48, 72, 96 h (Paris) and 10 h (Yaoundé); one application decided in April, one
 * submitted in February and decided in March.
 */
function paris(): MissionEvent[] {
  return [
    requested('V1', '2026-03-02T08:00:00.000Z', 'FRA'),
    decided('V1', '2026-03-02T08:00:00.000Z', 24, 'granted', 'FRA'),
    requested('V2', '2026-03-03T08:00:00.000Z', 'FRA'),
    decided('V2', '2026-03-03T08:00:00.000Z', 48, 'granted', 'FRA'),
    requested('V3', '2026-03-04T08:00:00.000Z', 'D<<'),
    decided('V3', '2026-03-04T08:00:00.000Z', 72, 'refused', 'D<<'),
    requested('V4', '2026-03-30T08:00:00.000Z', 'FRA'),
    decided('V4', '2026-03-30T08:00:00.000Z', 60, 'granted', 'FRA'),
    // Submitted in February: counts as decided in March, not as requested.
    requested('V5', '2026-02-20T08:00:00.000Z', 'BEL'),
    decided('V5', '2026-02-20T08:00:00.000Z', 96 + 9 * 24, 'granted', 'BEL'),
    requested('L1', '2026-03-10T08:00:00.000Z', 'CAF', 'laissez_passer'),
  ];
}

function yaounde(): MissionEvent[] {
  return [
    requested('V1', '2026-03-05T08:00:00.000Z', 'CMR'),
    decided('V1', '2026-03-05T08:00:00.000Z', 10, 'refused', 'CMR'),
    // Only the decision reached the hub (an older node, a restore): the application still counts.
    decided('V2', '2026-03-06T08:00:00.000Z', 30, 'granted', 'FRA'),
  ];
}

describe.each(storeBackends('hub visa statistics'))('visa statistics at the hub on $name', (backend) => {
  let store: TestStore;

  beforeEach(async () => {
    store = await migratedStore(backend);
    await addMission(store.db, { id: 'fr-paris', name: 'Ambassade à Paris', online: true });
    await addMission(store.db, { id: 'cm-yaounde', name: 'Ambassade à Yaoundé', online: false });
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('counts requested, granted and refused with median and p90 per mission and per nationality', async () => {
    await ingestEvents(store.db, 'fr-paris', paris());
    await ingestEvents(store.db, 'cm-yaounde', yaounde());
    const { visas } = await loadDashboard(store.db, { period: MARCH, now: NOW });

    expect(visas.byMission).toEqual([
      // V2 of Yaoundé was submitted on 6 March: its decision says so.
      {
        key: 'cm-yaounde',
        requested: 2,
        granted: 1,
        refused: 1,
        refusalShare: 0.5,
        medianHours: 10,
        p90Hours: 30,
      },
      // V4 decided on 1 April is out; V5 decided in March (312 h) is in. Decisions: 24, 48, 72, 312.
      {
        key: 'fr-paris',
        requested: 5,
        granted: 3,
        refused: 1,
        refusalShare: 0.25,
        medianHours: 48,
        p90Hours: 312,
      },
    ]);
    expect(visas.byNationality.map((f) => [f.key, f.requested, f.granted, f.refused, f.medianHours])).toEqual(
      [
        ['BEL', 0, 1, 0, 312],
        ['CAF', 1, 0, 0, null],
        ['CMR', 1, 0, 1, 10],
        ['D<<', 1, 0, 1, 72],
        ['FRA', 4, 3, 0, 30],
      ],
    );
    expect(visas.total).toMatchObject({
      requested: 7,
      granted: 4,
      refused: 2,
      medianHours: 30,
      p90Hours: 312,
    });

    const own = await loadDashboard(store.db, { period: MARCH, now: NOW, missionId: 'cm-yaounde' });
    expect(own.visas.byMission.map((f) => f.key)).toEqual(['cm-yaounde']);
    expect(own.visas.byNationality.map((f) => f.key)).toEqual(['CMR', 'FRA']);
  });

  it('counts an application once however often its events arrive, under the same or new ids', async () => {
    const events = paris();
    await ingestEvents(store.db, 'fr-paris', events);
    await ingestEvents(store.db, 'fr-paris', events);
    // After a mission's restore the same facts come back under new event ids.
    await ingestEvents(
      store.db,
      'fr-paris',
      events.map((e) => ({ ...e, id: randomUUID() })),
    );
    const { visas } = await loadDashboard(store.db, { period: MARCH, now: NOW });
    expect(visas.total).toMatchObject({ requested: 5, granted: 3, refused: 1, medianHours: 48 });
    const rows = await store.db.query<{ n: number }>('SELECT count(*) AS n FROM visa_statistics');
    expect(Number(rows[0]?.n)).toBe(6);
  });

  it('leaves out of the figures a visa event whose data does not read, and keeps it as a replica', async () => {
    const bad = requested('V9', '2026-03-02T08:00:00.000Z', 'FRA');
    await ingestEvents(store.db, 'fr-paris', [
      { ...bad, data: { ...bad.data, nationality: 'France', familyName: 'DUPONT' } },
      { ...decided('V8', '2026-03-02T08:00:00.000Z', 5, 'granted', 'FRA'), data: { outcome: 'granted' } },
    ]);
    const { visas } = await loadDashboard(store.db, { period: MARCH, now: NOW });
    expect(visas.total.requested).toBe(0);
    expect(visas.byMission).toEqual([]);
    const kept = await store.db.query("SELECT 1 FROM mission_events WHERE kind LIKE 'visa.%'");
    expect(kept).toHaveLength(2);
  });

  it('writes the tables with a network row, durations in days in the CSV', async () => {
    await ingestEvents(store.db, 'fr-paris', paris());
    await ingestEvents(store.db, 'cm-yaounde', yaounde());
    const dashboard = await loadDashboard(store.db, { period: MARCH, now: NOW });
    const table = dashboardTable(dashboard, 'visas');
    expect(table.rows.at(-1)).toMatchObject({ mission: 'Réseau', requested: 7, granted: 4, refused: 2 });
    expect(dashboardTable(dashboard, 'visas-nationalites').rows.map((row) => row.mission)).toEqual([
      'BEL',
      'CAF',
      'CMR',
      'D<<',
      'FRA',
      'Réseau',
    ]);
  });
});

describe.each(storeBackends('hub visa statistics pages'))(
  'visa statistics on the dashboards on $name',
  (backend) => {
    let store: TestStore;
    let web: HubWebApp;

    beforeEach(async () => {
      store = await migratedStore(backend);
      await addMission(store.db, { id: 'fr-paris', name: 'Ambassade à Paris', online: true });
      await addMission(store.db, { id: 'cm-yaounde', name: 'Ambassade à Yaoundé', online: false });
      web = await openHubWeb(store.db, () => NOW);
    });
    afterEach(async () => {
      await web?.close();
      await store?.dispose();
    });

    it('shows the visa tables in French and exports them as CSV', async () => {
      await ingestEvents(store.db, 'fr-paris', paris());
      await ingestEvents(store.db, 'cm-yaounde', yaounde());
      const cookie = await web.login(await web.user('directrice', ['directorate']));
      const page = await web.app.inject({
        url: '/web/tableau-de-bord?du=2026-03-01&au=2026-03-31',
        headers: { cookie },
      });
      expect(page.statusCode).toBe(200);
      const section = page.body.slice(page.body.indexOf('id="table-visas"'));
      expect(section).toContain('Visas et laissez-passer par mission');
      expect(section).toMatch(
        /<th scope="row">fr-paris<\/th><td class="num">5<\/td><td class="num">3<\/td><td class="num">1<\/td><td class="num">25\s%<\/td><td class="num">2 j<\/td><td class="num">13 j<\/td>/,
      );
      expect(page.body).toContain('id="table-visas-nationalites"');
      expect(page.body).toContain('<th scope="row">D&lt;&lt;</th>');

      const csv = await web.app.inject({
        url: '/web/export/visas.csv?du=2026-03-01&au=2026-03-31',
        headers: { cookie },
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-disposition']).toBe(
        'attachment; filename="visas_2026-03-01_2026-03-31.csv"',
      );
      const rows = parse(csv.body, { bom: true }) as string[][];
      expect(rows[0]).toEqual([
        'Mission',
        'Demandés',
        'Accordés',
        'Refusés',
        'Taux de refus',
        'Délai médian (jours)',
        'Délai, 90ᵉ centile (jours)',
      ]);
      expect(rows).toContainEqual(['fr-paris', '5', '3', '1', '0.2500', '2.00', '13.00']);
      expect(rows.at(-1)).toEqual(['Réseau', '7', '4', '2', '0.3333', '1.25', '13.00']);

      const byNationality = await web.app.inject({
        url: '/web/export/visas-nationalites.csv?du=2026-03-01&au=2026-03-31&mission=cm-yaounde',
        headers: { cookie },
      });
      expect(parse(byNationality.body, { bom: true })).toEqual([
        [
          'Nationalité',
          'Demandés',
          'Accordés',
          'Refusés',
          'Taux de refus',
          'Délai médian (jours)',
          'Délai, 90ᵉ centile (jours)',
        ],
        ['CMR', '1', '0', '1', '1.0000', '0.42', '0.42'],
        ['FRA', '1', '1', '0', '0.0000', '1.25', '1.25'],
      ]);
    });

    it('refuses the export without a session', async () => {
      const csv = await web.app.inject({ url: '/web/export/visas.csv' });
      expect(csv.statusCode).toBe(303);
    });
  },
);

describe.each(storeBackends('hub visa statistics API'))(
  'visa statistics in the JSON API on $name',
  (backend) => {
    let store: TestStore;

    beforeEach(async () => {
      store = await migratedStore(backend);
    });
    afterEach(async () => {
      await store?.dispose();
    });

    it('answers GET /api/v1/dashboard/visas per mission and nationality, behind dashboard.read', async () => {
      await addMission(store.db, { id: 'fr-paris', name: 'Ambassade à Paris', online: true });
      await addMission(store.db, { id: 'cm-yaounde', name: 'Ambassade à Yaoundé', online: false });
      await ingestEvents(store.db, 'fr-paris', paris());
      await ingestEvents(store.db, 'cm-yaounde', yaounde());
      const admin = await openHubAdminApp(store, NOW);
      const app = await buildHubApp({ logLevel: 'silent' });
      try {
        const { auth } = admin.services;
        await app.register(hubApiRoutes, {
          services: admin.services,
          guard: (permission) => requirePermission(permission, { auth }),
          actor: () => 'test',
        });
        await app.ready();
        const url = '/api/v1/dashboard/visas?du=2026-03-01&au=2026-03-31';
        expect((await app.inject({ url })).statusCode).toBe(401);
        const token = await admin.token(await admin.user('directrice', ['directorate']));
        const response = await app.inject({ url, headers: { authorization: `Bearer ${token}` } });
        expect(response.statusCode).toBe(200);
        const body = response.json();
        expect(body.period).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
        expect(body.total).toMatchObject({
          requested: 7,
          granted: 4,
          refused: 2,
          medianHours: 30,
          p90Hours: 312,
        });
        expect(body.byMission.map((f: { key: string }) => f.key)).toEqual(['cm-yaounde', 'fr-paris']);
        const own = await app.inject({
          url: `${url}&mission=cm-yaounde`,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(own.json().byNationality.map((f: { key: string }) => f.key)).toEqual(['CMR', 'FRA']);
        const wrong = await app.inject({
          url: '/api/v1/dashboard/visas?du=2026-04-01&au=2026-03-01',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(wrong.statusCode).toBe(400);
      } finally {
        await app.close();
        await admin.close();
      }
    });
  },
);
