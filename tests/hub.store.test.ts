import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationChecksum } from '../common/migrations/index.js';
import { loadMigrations, migrate } from '../hub/db/migrate.js';
import { HubErrorCode } from '../hub/errors.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import { HUB_ID, Identity, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { certify } from './_util/hub-fixtures.js';

describe.each(storeBackends('hub store'))('hub store on $name', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.create();
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('applies every migration once, records it, and does nothing the second time', async () => {
    const known = await loadMigrations();
    const first = await migrate(store.db);
    expect(first.applied).toEqual(known.map((m) => m.version));
    const second = await migrate(store.db);
    expect(second.applied).toEqual([]);
    const rows = await store.db.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(known.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })));
  });

  it('refuses a migration changed after it was applied', async () => {
    const known = await loadMigrations();
    await migrate(store.db, known);
    const rewritten = known.map((m) =>
      m.version === 3 ? { ...m, checksum: migrationChecksum(`${m.sql}\n`) } : m,
    );
    await expect(migrate(store.db, rewritten)).rejects.toMatchObject({
      code: HubErrorCode.MigrationChanged,
      message: expect.stringMatching(/^migration 3-/),
    });
  });

  it('upgrades a database migrated before checksums: records them from the files, then checks them', async () => {
    const known = await loadMigrations();
    await migrate(store.db, known);
    // What a hub at migration 14 left behind: no checksum column, no row 15.
    await store.db.exec(
      'DELETE FROM schema_migrations WHERE version = 15; ALTER TABLE schema_migrations DROP COLUMN checksum',
    );
    expect((await migrate(store.db, known)).applied).toEqual([15]);
    const rows = await store.db.query('SELECT version, checksum FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(known.map((m) => ({ version: m.version, checksum: m.checksum })));
    const rewritten = known.map((m) => (m.version === 2 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(store.db, rewritten)).rejects.toMatchObject({ code: HubErrorCode.MigrationChanged });
  });

  it('refuses to start on a database with a migration newer than the code', async () => {
    await migrate(store.db);
    await store.db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from-the-future')");
    await expect(migrate(store.db)).rejects.toMatchObject({ code: HubErrorCode.SchemaTooNew });
  });

  it('returns 64-bit integers as numbers', async () => {
    const [row] = await store.db.query<Record<string, unknown>>(
      'SELECT count(*) AS n, 9007199254740991::bigint AS big, 7::int8 AS small, NULL::bigint AS none',
    );
    expect(row).toEqual({ n: 1, big: Number.MAX_SAFE_INTEGER, small: 7, none: null });
  });

  it('refuses to round a 64-bit integer past 2^53', async () => {
    await expect(store.db.query('SELECT 9007199254740993::bigint AS big')).rejects.toMatchObject({
      code: HubErrorCode.IntegerOverflow,
    });
  });

  it('returns bytes, JSON and times as they were stored', async () => {
    const bytes = Uint8Array.of(0, 1, 254, 255);
    const [row] = await store.db.query<{ b: Uint8Array; j: unknown; t: Date }>(
      "SELECT $1::bytea AS b, $2::jsonb AS j, '2026-01-02T03:04:05.678Z'::timestamptz AS t",
      [bytes, JSON.stringify({ fr: 'Passeport', n: 1 })],
    );
    expect(new Uint8Array(row!.b)).toEqual(bytes);
    expect(row!.j).toEqual({ fr: 'Passeport', n: 1 });
    expect(row!.t.toISOString()).toBe('2026-01-02T03:04:05.678Z');
  });

  it('rolls back a transaction that throws', async () => {
    await store.db.exec('CREATE TABLE probe (id int PRIMARY KEY)');
    const failing = store.db.transaction(async (tx) => {
      await tx.query('INSERT INTO probe VALUES (1)');
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await store.db.query('SELECT * FROM probe')).toEqual([]);
  });

  it('keeps concurrent read-modify-write transactions from interleaving', async () => {
    await store.db.exec(
      'CREATE TABLE counter (id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0)',
    );
    const increment = () =>
      store.db.transaction(async (tx) => {
        const [row] = await tx.query<{ n: number }>('SELECT n FROM counter WHERE id = 1 FOR UPDATE');
        await tx.query('UPDATE counter SET n = $1 WHERE id = 1', [row!.n + 1]);
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    expect(await store.db.query('SELECT n FROM counter')).toEqual([{ n: 20 }]);
  });

  it.runIf(backend.name === 'pg')(
    'lets two hub processes migrate at once, each migration applied once',
    async () => {
      const other = store.reopen!();
      const [a, b] = await Promise.all([migrate(store.db), migrate(other)]);
      const known = await loadMigrations();
      expect([...a.applied, ...b.applied].sort((x, y) => x - y)).toEqual(known.map((m) => m.version));
      const [row] = await store.db.query('SELECT count(*) AS n FROM schema_migrations');
      expect(row).toEqual({ n: known.length });
    },
  );
});

describe.each(storeBackends('hub trust loader'))('hub trust loader on $name', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    await ready();
    store = await migratedStore(backend);
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('trusts the keys of every certificate the hub issued', async () => {
    const hub = Identity.generate(HUB_ID);
    const paris = Identity.generate('fr-paris');
    const yaounde = Identity.generate('cm-yaounde');
    await recordEnrolment(store.db, hub.toPublic(), await certify(hub, paris));
    await recordEnrolment(store.db, hub.toPublic(), await certify(hub, yaounde, 2));
    const { trust, rejected } = await loadTrustStore(store.db, hub.toPublic());
    expect(rejected).toEqual([]);
    expect(trust.lookup('fr-paris', paris.keyId)?.identity.signPublicKey).toEqual(paris.signPublicKey);
    expect(trust.lookup('cm-yaounde', yaounde.keyId)).toBeDefined();
    expect(trust.lookup('fr-paris', yaounde.keyId)).toBeUndefined();
  });

  it('refuses to enrol a certificate another hub issued', async () => {
    const hub = Identity.generate(HUB_ID);
    const impostor = Identity.generate(HUB_ID);
    const mission = Identity.generate('fr-paris');
    await expect(
      recordEnrolment(store.db, hub.toPublic(), await certify(impostor, mission)),
    ).rejects.toMatchObject({
      code: HubErrorCode.CertificateInvalid,
    });
  });

  it('does not trust a certificate altered in the database', async () => {
    const hub = Identity.generate(HUB_ID);
    const mission = Identity.generate('fr-paris');
    await recordEnrolment(store.db, hub.toPublic(), await certify(hub, mission));
    await store.db.query(
      `UPDATE mission_certificates SET certificate = jsonb_set(certificate, '{notAfter}', '"2999-01-01T00:00:00.000Z"')`,
    );
    await store.db.query(
      `UPDATE missions SET certificate = jsonb_set(certificate, '{notAfter}', '"2999-01-01T00:00:00.000Z"')`,
    );
    const { trust, rejected } = await loadTrustStore(store.db, hub.toPublic());
    expect(rejected).toEqual([mission.keyId]);
    expect(trust.lookup('fr-paris', mission.keyId)).toBeUndefined();
  });

  it('retires the keys of a revoked mission from the time of revocation', async () => {
    const hub = Identity.generate(HUB_ID);
    const mission = Identity.generate('fr-paris');
    await recordEnrolment(store.db, hub.toPublic(), await certify(hub, mission));
    await store.db.query("UPDATE missions SET revoked_at = '2026-06-01T00:00:00Z' WHERE id = 'fr-paris'");
    const { trust } = await loadTrustStore(store.db, hub.toPublic());
    expect(trust.revocation(mission.keyId)).toEqual({
      partyId: 'fr-paris',
      keyId: mission.keyId,
      reason: 'retired',
      revokedAt: '2026-06-01T00:00:00.000Z',
    });
  });
});
