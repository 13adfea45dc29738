import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubConfigSchema } from '../hub/config/config.js';
import { hubConfigFromEnv } from '../hub/config/env.js';
import type { Database } from '../hub/db/database.js';
import { createHub, type MinistryHub } from '../hub/index.js';
import { IngestLeaseLost } from '../hub/ingest/channel-row.js';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import { announceProcess, claimLeases, renewLeases } from '../hub/link/ingest-leases.js';
import { runOncePerPeriod } from '../hub/run-once.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { EVENTS_BATCH, HUB_ID, Identity, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { bookingEvents, certify, enrolledHub, sealUp, throwawayHubConfig } from './_util/hub-fixtures.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';

beforeAll(ready);

async function enrolMany(db: Database, count: number): Promise<string[]> {
  const hub = Identity.generate(HUB_ID);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const mission = Identity.generate(`fr-l${i}${Math.random().toString(36).slice(2, 8)}`);
    await recordEnrolment(db, hub.toPublic(), await certify(hub, mission));
    ids.push(mission.partyId);
  }
  return ids;
}

async function eventRows(db: Database, missionId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM mission_events WHERE mission_id = $1',
    [missionId],
  );
  return Number(row?.n ?? 0);
}

for (const backend of storeBackends('ingest leases and jobs once')) {
  describe(`ingest leases and jobs once (${backend.name})`, () => {
    let store: TestStore | undefined;
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    it('gives each mission to one claimer when several processes claim at once', async () => {
      store = await migratedStore(backend);
      const db = store.db;
      const missions = await enrolMany(db, 6);
      const handles = store.reopen ? [db, store.reopen(), store.reopen()] : [db, db, db];
      const claims = await Promise.all(handles.map((handle, i) => claimLeases(handle, `p${i}`, 6, 15)));
      const claimed = claims.flat();
      expect(claimed.sort()).toEqual([...missions].sort());
      expect(new Set(claimed).size).toBe(claimed.length);
      // Nobody takes a lease still in force, and the holder renews its own.
      expect(await claimLeases(db, 'late', 6, 15)).toEqual([]);
      expect((await renewLeases(db, 'p0', 15)).sort()).toEqual([...(claims[0] ?? [])].sort());
    });

    it('takes a lease whose holder stopped renewing, never one in force', async () => {
      store = await migratedStore(backend);
      const db = store.db;
      const [mission] = await enrolMany(db, 1);
      await announceProcess(db, 'old', ['ingest'], 15);
      expect(await claimLeases(db, 'old', 1, 15)).toEqual([mission]);
      expect(await claimLeases(db, 'new', 1, 15)).toEqual([]);
      await db.query(`UPDATE ingest_leases SET expires_at = now() - interval '1 second'`);
      expect(await claimLeases(db, 'new', 1, 15)).toEqual([mission]);
      // The old holder's renewal finds nothing of its own any more.
      expect(await renewLeases(db, 'old', 15)).toEqual([]);
    });

    it('applies nothing from a process that no longer holds the mission lease', async () => {
      store = await migratedStore(backend);
      const db = store.db;
      const { hub, mission, context } = await enrolledHub(db, 'fr-lease');
      await claimLeases(db, 'holder', 1, 15);
      const first = sealUp(mission, hub, EVENTS_BATCH, { events: bookingEvents(3) }, 1);
      const outcome = await ingestEnvelope(
        db,
        first,
        { ...context(), arrivedOn: 'fr-lease' },
        { holder: 'holder' },
      );
      expect(outcome.status).toBe('applied');
      const second = sealUp(mission, hub, EVENTS_BATCH, { events: bookingEvents(2) }, 2);
      await expect(
        ingestEnvelope(db, second, { ...context(), arrivedOn: 'fr-lease' }, { holder: 'paused' }),
      ).rejects.toBeInstanceOf(IngestLeaseLost);
      expect(await eventRows(db, 'fr-lease')).toBe(3);
      const [channel] = await db.query<{ applied_up_to: number }>(
        'SELECT applied_up_to FROM channels WHERE mission_id = $1',
        ['fr-lease'],
      );
      expect(Number(channel?.applied_up_to)).toBe(1);
    });

    it('runs a job once per period whatever the number of processes, and again after a failed run', async () => {
      store = await migratedStore(backend);
      const db = store.db;
      const handles = store.reopen ? [db, store.reopen(), store.reopen()] : [db, db, db];
      const at = new Date('2026-12-06T10:17:00Z');
      let runs = 0;
      const job = async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      };
      const ran = await Promise.all(
        handles.map((handle, i) => runOncePerPeriod(handle, 'reminders', 'hour', `p${i}`, job, at)),
      );
      expect(runs).toBe(1);
      expect(ran.filter(Boolean)).toHaveLength(1);
      // A run that fails records nothing: the next process in line runs the job.
      const failing = () => Promise.reject(new Error('the database went away'));
      await expect(runOncePerPeriod(db, 'pruning', 'day', 'p0', failing, at)).rejects.toThrow('went away');
      expect(await runOncePerPeriod(db, 'pruning', 'day', 'p1', job, at)).toBe(true);
      // The next period is due again.
      expect(
        await runOncePerPeriod(db, 'reminders', 'hour', 'p0', job, new Date('2026-12-06T11:17:00Z')),
      ).toBe(true);
      expect(runs).toBe(3);
    });
  });
}

describe('roles and lease settings of a hub process', () => {
  let hub: MinistryHub | undefined;
  let temp: TempDir | undefined;
  afterEach(async () => {
    await hub?.close();
    await temp?.cleanup();
    hub = temp = undefined;
  });

  it('serves no pages nor API without the web role, and still answers /healthz', async () => {
    temp = await makeTempDir('econsulat-hub-roles-');
    const config = hubConfigSchema.parse({ ...throwawayHubConfig(temp.dir), roles: ['ingest', 'jobs'] });
    hub = await createHub(config, Identity.generate(HUB_ID));
    const app = hub.context.app;
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/missions' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/web/connexion' })).statusCode).toBe(404);
    // With the embedded broker, leases are off by default: one process takes everything.
    expect(hub.context.link.leaseHolder).toBeUndefined();
  });

  it('refuses an unknown role, a role named twice, no role, and a lease shorter than three renewals', () => {
    const base = { dataDir: '/tmp/x', http: {}, mqtt: { mode: 'embedded' } };
    const issues = (input: object) => {
      const parsed = hubConfigSchema.safeParse({ ...base, ...input });
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(issues({ roles: ['cook'] })).toEqual(['roles.0']);
    expect(issues({ roles: ['web', 'web'] })).toEqual(['roles']);
    expect(issues({ roles: [] })).toEqual(['roles']);
    expect(issues({ ingest: { leaseSeconds: 6, renewSeconds: 3 } })).toEqual(['ingest']);
    expect(issues({ roles: ['web'], ingest: { leases: true, leaseSeconds: 9, renewSeconds: 3 } })).toEqual(
      [],
    );
  });

  it('reads HUB_ROLES and HUB_INGEST_LEASES from the environment', () => {
    const config = hubConfigFromEnv({
      HUB_DATA_DIR: '/tmp/x',
      MQTT_URL: 'mqtt://127.0.0.1:1883',
      HUB_ROLES: 'web, jobs',
      HUB_INGEST_LEASES: 'true',
      HUB_INGEST_LEASE_SECONDS: '30',
    });
    expect(config.roles).toEqual(['web', 'jobs']);
    expect(config.ingest).toEqual({ leases: true, leaseSeconds: 30, renewSeconds: 3 });
    expect(() => hubConfigFromEnv({ HUB_DATA_DIR: '/tmp/x', HUB_ROLES: 'web,admin' })).toThrow();
  });
});
