import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDashboard } from '../hub/dashboards/dashboard.js';
import { resolvePeriod } from '../hub/dashboards/period.js';
import { dashboardTable } from '../hub/dashboards/tables.js';
import { addMission, event, ingestEvents } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const MARCH = { du: '2026-03-01', au: '2026-03-31' };

const paid = (
  id: string,
  at: string,
  amountMinor: number,
  currency: string,
  extra: Record<string, unknown>,
) => event('payment.recorded', id, at, { serviceCode: 'passport-renewal', amountMinor, currency, ...extra });

describe.each(storeBackends('hub revenue per provider'))('hub revenue per provider on $name', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await migratedStore(backend);
    await addMission(store.db, { id: 'fr-paris', name: 'Paris', online: true });
    await addMission(store.db, { id: 'cm-yaounde', name: 'Yaoundé', online: true });
  });
  afterEach(async () => {
    await store?.dispose();
  });
  const march = (missionId?: string) =>
    loadDashboard(store.db, {
      period: resolvePeriod(MARCH, NOW),
      now: NOW,
      ...(missionId ? { missionId } : {}),
    });

  it('splits revenue by provider and currency, per mission and for the network, each event once', async () => {
    const card = paid('P1', '2026-03-02T09:00:00.000Z', 12_000, 'EUR', {
      method: 'online',
      provider: 'stripe',
    });
    await ingestEvents(store.db, 'fr-paris', [
      card,
      paid('P2', '2026-03-03T09:00:00.000Z', 8_000, 'EUR', { method: 'online', provider: 'stripe' }),
      paid('P3', '2026-03-03T10:00:00.000Z', 5_000, 'EUR', { method: 'cash' }),
      // From a node that did not name its providers yet, and a name that is not one.
      paid('P4', '2026-03-04T10:00:00.000Z', 1_000, 'EUR', { method: 'online' }),
      paid('P5', '2026-03-04T11:00:00.000Z', 2_000, 'EUR', { method: 'online', provider: 'Stripe; DROP' }),
      event('refund.recorded', 'R1', '2026-03-05T09:00:00.000Z', {
        amountMinor: 3_000,
        currency: 'EUR',
        method: 'provider',
        provider: 'stripe',
      }),
    ]);
    // The same event delivered again is not counted again.
    await ingestEvents(store.db, 'fr-paris', [card]);
    await ingestEvents(store.db, 'cm-yaounde', [
      paid('P6', '2026-03-10T09:00:00.000Z', 25_000, 'XAF', { method: 'online', provider: 'momo' }),
      paid('P7', '2026-03-10T10:00:00.000Z', 10_000, 'XAF', { method: 'cash' }),
    ]);
    const d = await march();
    expect(d.activity.byMission.get('fr-paris')?.revenueByProvider).toEqual([
      {
        provider: 'cash',
        currency: 'EUR',
        payments: 1,
        collectedMinor: 5_000,
        refundedMinor: 0,
        netMinor: 5_000,
      },
      {
        provider: 'stripe',
        currency: 'EUR',
        payments: 2,
        collectedMinor: 20_000,
        refundedMinor: 3_000,
        netMinor: 17_000,
      },
      {
        provider: 'unknown',
        currency: 'EUR',
        payments: 2,
        collectedMinor: 3_000,
        refundedMinor: 0,
        netMinor: 3_000,
      },
    ]);
    expect(d.activity.total.revenueByProvider.map((r) => [r.provider, r.currency, r.collectedMinor])).toEqual(
      [
        ['cash', 'EUR', 5_000],
        ['cash', 'XAF', 10_000],
        ['momo', 'XAF', 25_000],
        ['stripe', 'EUR', 20_000],
        ['unknown', 'EUR', 3_000],
      ],
    );
    // The split adds up to the revenue per currency.
    const eur = d.activity.total.revenue.find((r) => r.currency === 'EUR');
    const eurSplit = d.activity.total.revenueByProvider.filter((r) => r.currency === 'EUR');
    expect(eurSplit.reduce((sum, r) => sum + r.netMinor, 0)).toBe(eur?.netMinor);
    const table = dashboardTable(d, 'recettes-prestataires');
    expect(table.title).toBe('Recettes par prestataire et devise');
    expect(table.rows.filter((row) => row.mission === 'Réseau').map((row) => row.provider)).toEqual([
      'Espèces (guichet)',
      'Espèces (guichet)',
      'MTN MoMo (mobile money)',
      'Stripe (carte bancaire)',
      'En ligne, prestataire non précisé',
    ]);
  });

  it('narrows the split to one mission', async () => {
    await ingestEvents(store.db, 'fr-paris', [
      paid('P1', '2026-03-02T09:00:00.000Z', 12_000, 'EUR', { method: 'online', provider: 'stripe' }),
    ]);
    await ingestEvents(store.db, 'cm-yaounde', [
      paid('P2', '2026-03-10T09:00:00.000Z', 25_000, 'XAF', { method: 'online', provider: 'momo' }),
    ]);
    const d = await march('cm-yaounde');
    expect(dashboardTable(d, 'recettes-prestataires').rows).toEqual([
      expect.objectContaining({
        mission: 'cm-yaounde',
        provider: 'MTN MoMo (mobile money)',
        currency: 'XAF',
        payments: 1,
      }),
    ]);
  });
});
