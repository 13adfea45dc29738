import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { splitAtDays } from '../hub/dashboards/day-split.js';
import type { Queryable } from '../hub/db/database.js';
import {
  createDashboardService,
  type DashboardService,
} from '../hub/services/dashboard/dashboard-service.js';
import type { MissionEvent } from '../protocol/index.js';
import { event, ingestEvents, parisMarch, seedDashboardData, yaoundeMarch } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const at = (iso: string) => new Date(iso);

/** Events on both sides of midnights and of the windows below, beyond the dashboards' data set. */
function edgeEvents(): MissionEvent[] {
  const booked = (id: string, iso: string) => event('appointment.booked', id, iso, {});
  return [
    booked('E1', '2026-03-10T00:00:00.000Z'),
    booked('E2', '2026-03-10T09:14:59.999Z'),
    booked('E3', '2026-03-10T09:15:00.000Z'),
    booked('E4', '2026-03-10T23:59:59.999Z'),
    event('appointment.checked_in', 'E1', '2026-03-11T00:00:00.000Z', {}),
    event('appointment.no_show', 'E2', '2026-03-31T11:59:59.999Z', {}),
    event('appointment.cancelled', 'E4', '2026-03-31T12:00:00.000Z', {}),
    event('invoice.created', 'I1', '2026-03-31T06:00:00.000Z', {}),
    // A kind the hub does not know yet: kept, and counted like any other.
    event('census.counted', 'C1', '2026-03-20T13:00:00.000Z', {}),
    booked('E5', '2026-02-28T23:59:59.999Z'),
    booked('E6', '2026-04-01T00:00:00.000Z'),
  ];
}

/** Every event the store holds, as seeded. */
function seeded(): MissionEvent[] {
  return [...parisMarch(), ...yaoundeMarch(), ...edgeEvents()];
}

/** The events of [from, to) by kind, counted from the seed itself. */
function expectedByKind(from: Date, to: Date): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of seeded()) {
    const t = Date.parse(e.at);
    if (t >= from.getTime() && t < to.getTime()) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  }
  return counts;
}

/** What the summary answered before the rollups: one count over the events, by kind in the database's order. */
async function rawByKind(db: Queryable, from: Date, to: Date): Promise<Record<string, number>> {
  const rows = await db.query<{ kind: string; n: number }>(
    'SELECT kind, count(*) AS n FROM mission_events WHERE at >= $1 AND at < $2 GROUP BY kind ORDER BY kind',
    [from, to],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
}

describe.each(storeBackends('hub dashboard summary'))('hub dashboard summary on $name', (backend) => {
  let store: TestStore;
  let dashboards: DashboardService;
  beforeEach(async () => {
    store = await migratedStore(backend);
    await seedDashboardData(store.db);
    await ingestEvents(store.db, 'fr-paris', edgeEvents());
    dashboards = createDashboardService({ db: store.db, now: () => NOW });
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('gives the web dashboard’s figures for the same whole days', async () => {
    const summary = await dashboards.summary(at('2026-03-01T00:00:00.000Z'), at('2026-04-01T00:00:00.000Z'));
    const web = await dashboards.load({ du: '2026-03-01', au: '2026-03-31' });
    const { appointments } = web.activity.total;
    expect(summary.appointments).toEqual({
      booked: appointments.booked,
      cancelled: appointments.cancelled,
      checkedIn: appointments.honoured,
      noShow: appointments.noShow,
    });
    expect(summary.appointments).toEqual({ booked: 10, cancelled: 2, checkedIn: 4, noShow: 3 });
    expect(summary.events.byKind['file.opened']).toBe(web.activity.total.filesOpened);
    expect(summary.events.byKind['survey.answered']).toBe(web.activity.total.satisfaction.answers);
    const charted = (key: 'booked' | 'honoured' | 'filesOpened') =>
      web.series.points.reduce((sum, point) => sum + point[key], 0);
    expect([charted('booked'), charted('honoured'), charted('filesOpened')]).toEqual([
      summary.appointments.booked,
      summary.appointments.checkedIn,
      summary.events.byKind['file.opened'],
    ]);
    expect(summary.missions).toEqual({
      total: web.links.length,
      online: web.links.filter((link) => link.online).length,
      backlog: web.links.reduce((sum, link) => sum + link.backlog, 0),
    });
  });

  it('counts a window that starts mid-day as the events fall, whole days as the web dashboard does', async () => {
    const from = at('2026-03-10T09:15:00.000Z');
    const to = at('2026-03-31T12:00:00.000Z');
    const summary = await dashboards.summary(from, to);
    expect(summary.events.byKind).toEqual(expectedByKind(from, to));
    expect(summary.appointments).toEqual({ booked: 2, cancelled: 0, checkedIn: 3, noShow: 3 });
    // The whole days inside the window are the web dashboard's; only the two edges are added.
    const web = await dashboards.load({ du: '2026-03-11', au: '2026-03-30' });
    const edges =
      (expectedByKind(from, at('2026-03-11T00:00:00.000Z'))['appointment.booked'] ?? 0) +
      (expectedByKind(at('2026-03-31T00:00:00.000Z'), to)['appointment.booked'] ?? 0);
    expect(summary.appointments.booked).toBe(web.activity.total.appointments.booked + edges);
    expect(summary.appointments.noShow).toBe(web.activity.total.appointments.noShow + 1);
  });

  it('answers a window inside one day, an empty one and a reversed one from the events alone', async () => {
    const within = await dashboards.summary(at('2026-03-31T06:00:00.000Z'), at('2026-03-31T12:00:00.000Z'));
    expect(within.events.byKind).toEqual({ 'appointment.no_show': 1, 'invoice.created': 1 });
    const empty = await dashboards.summary(at('2026-03-10T09:15:00.000Z'), at('2026-03-10T09:15:00.000Z'));
    expect(empty.events).toEqual({ total: 0, byKind: {} });
    const reversed = await dashboards.summary(at('2026-04-01T00:00:00.000Z'), at('2026-03-01T00:00:00.000Z'));
    expect(reversed.events).toEqual({ total: 0, byKind: {} });
  });

  it('agrees with a count of the events themselves over any window, kinds in the same order', async () => {
    const instant = fc
      .integer({ min: Date.parse('2026-01-10T00:00:00.000Z'), max: Date.parse('2026-04-05T00:00:00.000Z') })
      .chain((ms) => fc.constantFrom(ms, ms - (ms % 86_400_000), ms - (ms % 60_000)))
      .map((ms) => new Date(ms));
    await fc.assert(
      fc.asyncProperty(instant, instant, async (from, to) => {
        const summary = await dashboards.summary(from, to);
        const raw = await rawByKind(store.db, from, to);
        expect(JSON.stringify(summary.events.byKind)).toBe(JSON.stringify(raw));
        expect(summary.events.total).toBe(Object.values(raw).reduce((sum, n) => sum + n, 0));
      }),
      { numRuns: 40 },
    );
  });
});

describe('cutting a window at UTC midnights', () => {
  it('keeps whole days for the rollups and the partial days at either edge for the events', () => {
    expect(splitAtDays(at('2026-03-10T09:15:00.000Z'), at('2026-03-31T12:00:00.000Z'))).toEqual({
      wholeDays: { from: at('2026-03-11T00:00:00.000Z'), to: at('2026-03-31T00:00:00.000Z') },
      partialDays: [
        { day: '2026-03-10', from: at('2026-03-10T09:15:00.000Z'), to: at('2026-03-11T00:00:00.000Z') },
        { day: '2026-03-31', from: at('2026-03-31T00:00:00.000Z'), to: at('2026-03-31T12:00:00.000Z') },
      ],
    });
    expect(splitAtDays(at('2026-03-01T00:00:00.000Z'), at('2026-04-01T00:00:00.000Z')).partialDays).toEqual(
      [],
    );
    expect(splitAtDays(at('2026-03-10T09:00:00.000Z'), at('2026-03-10T10:00:00.000Z'))).toMatchObject({
      partialDays: [{ day: '2026-03-10' }],
    });
    expect(splitAtDays(at('2026-03-11T00:00:00.000Z'), at('2026-03-10T00:00:00.000Z')).partialDays).toEqual(
      [],
    );
  });
});
