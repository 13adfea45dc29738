import type mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubConfigSchema } from '../hub/config/config.js';
import { createHub, type MinistryHub } from '../hub/index.js';
import { compromiseKey } from '../hub/services/missions/revocations.js';
import { rotateMissionKey } from '../hub/services/missions/rotate-key.js';
import {
  createKeyRotationRequest,
  downTopic,
  HUB_ID,
  Identity,
  open,
  ready,
  seal,
  TrustStore,
  upTopic,
} from '../protocol/index.js';
import { bookingEvents } from './_util/hub-fixtures.js';
import { scrapeApp, TEST_METRICS_TOKEN } from './_util/metrics-scrape.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { connectAs, endQuietly, metricSample } from './_util/rogue-client.js';

const DAY = 86_400_000;

describe('rotating a mission key on a running hub (embedded broker, PGlite)', () => {
  let dir: TempDir | undefined;
  let hub: MinistryHub | undefined;
  let mission: EnrolledMission | undefined;
  const clients: mqtt.MqttClient[] = [];
  beforeAll(ready);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => endQuietly(client)));
    await hub?.close();
    await mission?.node.cleanup();
    await dir?.cleanup();
    hub = dir = mission = undefined;
  });

  it('takes the old key’s backlog, refuses what it sealed after the rotation (named in /metrics), and then refuses it whole once compromised', async () => {
    dir = await makeTempDir('econsulat-hub-');
    const hubIdentity = Identity.generate(HUB_ID);
    const config = hubConfigSchema.parse({
      dataDir: dir.dir,
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      logLevel: 'silent',
      metrics: { token: TEST_METRICS_TOKEN },
    });
    hub = await createHub(config, hubIdentity);
    const running = hub;
    const { db, broker } = running.context;
    const url = `mqtt://127.0.0.1:${broker?.port}`;
    mission = await enrolMission(db, hubIdentity, uniqueMissionId('fr'));
    await running.context.reloadTrust();
    const old = mission.identity;
    const missionId = old.partyId;
    const next = Identity.generate(missionId);

    const metrics = () => scrapeApp(running.context.app);
    const refusedFor = async (reason: string) =>
      metricSample(await metrics(), 'econsulat_hub_envelopes_refused', { reason }) ?? 0;
    const appliedUpTo = async () => {
      const [row] = await db.query<{ n: number }>(
        'SELECT applied_up_to AS n FROM channels WHERE mission_id = $1',
        [missionId],
      );
      return Number(row?.n);
    };
    const sealed = (sender: Identity, seq: number, timestamp = Date.now()) =>
      seal({
        sender,
        recipient: hubIdentity,
        type: 'events.batch',
        body: { events: bookingEvents(1) },
        seq,
        timestamp,
      });

    const before = await connectAs(url, old);
    clients.push(before);
    await before.publishAsync(upTopic(missionId), Buffer.from(sealed(old, 1)), { qos: 1 });
    await before.publishAsync(upTopic(missionId), Buffer.from(sealed(old, 2)), { qos: 1 });
    await expect.poll(appliedUpTo, { timeout: 10_000 }).toBe(2);
    // Sealed before the rotation, still on its way when the rotation happens: a backlog.
    const backlog = sealed(old, 3);
    await endQuietly(clients.pop());

    const rotation = await rotateMissionKey(
      db,
      hubIdentity,
      missionId,
      createKeyRotationRequest(old, next, `Mission ${missionId}`, new Date(), 3),
      { now: new Date(), actor: 'officer:test', expectOldKeyId: old.keyId },
    );
    expect(rotation.lastSeq).toBe(3);
    expect(rotation.list.entries).toContainEqual(
      expect.objectContaining({ keyId: old.keyId, reason: 'superseded', lastSeq: 3 }),
    );
    await running.context.reloadTrust();

    // The broker refuses the old key, takes the new one; the hub seals only to the new one.
    await expect(connectAs(url, old)).rejects.toThrow();
    expect(running.context.trust.keysOf(missionId).map((key) => key.identity.keyId)).toEqual([next.keyId]);
    const after = await connectAs(url, next);
    clients.push(after);
    // Everything the hub sends the mission from now on must open with the new key alone.
    const down: Uint8Array[] = [];
    after.on('message', (_topic, payload) => down.push(new Uint8Array(payload)));
    await after.subscribeAsync(downTopic(missionId), { qos: 1 });
    const pinnedHub = new TrustStore();
    pinnedHub.trust({ identity: hubIdentity.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
    const refusedByNewKey = () =>
      down
        .map((bytes) => open(bytes, { self: next, trust: pinnedHub, now: Date.now() }))
        .flatMap((opened) => (opened.ok ? [] : [opened.reason]));

    await after.publishAsync(upTopic(missionId), Buffer.from(backlog), { qos: 1 });
    await expect.poll(appliedUpTo, { timeout: 10_000 }).toBe(3);
    // The backlog's acknowledgement comes sealed to the key in force, not to the key that sealed it.
    await expect.poll(() => down.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(refusedByNewKey()).toEqual([]);

    // The old key, after the rotation, backdated to look older: refused by sequence, not by date.
    await after.publishAsync(upTopic(missionId), Buffer.from(sealed(old, 4, Date.now() - 30 * DAY)), {
      qos: 1,
    });
    await expect.poll(() => refusedFor('key_superseded'), { timeout: 10_000 }).toBe(1);
    expect(await appliedUpTo()).toBe(3);

    await after.publishAsync(upTopic(missionId), Buffer.from(sealed(next, 4)), { qos: 1 });
    await expect.poll(appliedUpTo, { timeout: 10_000 }).toBe(4);
    expect(refusedByNewKey()).toEqual([]);

    // The laptop that held the old key is stolen: the old key is declared compromised.
    const compromised = await compromiseKey(
      db,
      hubIdentity,
      running.context.trust,
      missionId,
      old.keyId,
      new Date(),
    );
    expect(compromised.list.entries).toContainEqual(
      expect.objectContaining({ keyId: old.keyId, reason: 'compromised' }),
    );
    await running.context.reloadTrust();
    const revokedBefore = await refusedFor('revoked_key');
    await after.publishAsync(upTopic(missionId), Buffer.from(sealed(old, 5, Date.now() - 300 * DAY)), {
      qos: 1,
    });
    await expect.poll(() => refusedFor('revoked_key'), { timeout: 10_000 }).toBe(revokedBefore + 1);
    // The key in force is not revoked this way: that is revoking the mission.
    await expect(
      compromiseKey(db, hubIdentity, running.context.trust, missionId, next.keyId, new Date()),
    ).rejects.toThrow(/key in force/);
  }, 60_000);
});
