import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HubConfig, hubPaths } from '../hub/config/config.js';
import { loadHubIdentity } from '../hub/config/secrets.js';
import { openDatabase } from '../hub/db/open-database.js';
import { storeConfigOf } from '../hub/db/store-config.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { hubSecretsKey } from '../hub/services/missions/hub-secrets-key.js';
import { bootstrapUser } from '../hub/services/users/bootstrap.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import { importEnrolment } from '../node/link/trust-material.js';
import { acknowledgeDirective } from '../node/services/directives/directives.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { initHub, readHubConfig } from '../ops/commands/hub.js';
import { Identity, ready } from '../protocol/index.js';
import { enrolmentBundleFor } from './_util/enrolment.js';
import { bookedData } from './_util/event-data.js';
import { freePort } from './_util/free-port.js';
import { readNodeLinkState } from './_util/node-link-state.js';
import { makeTempDir, openTempStore, type TempDir, type TempStore } from './_util/node-store.js';
import { type HubProcess, killLeftoverHubs, startHubProcess } from './_util/processes/hub-cli.js';
import { loginBearer } from './_util/processes/hub-database.js';

/** Killed at points chosen by progress: a quarter, half and four fifths of the catch-up. */
const KILL_AT = [1200, 2600, 4000] as const;

// The default deployment as users run it: `econsulat hub run` on its own PostgreSQL server and its
// embedded broker, killed with -9 and started again on the same directory. The missions are
// in-process node links that reconnect to the broker's port and say hello again.

/** A mission id of the shape protocol accepts, unique to one test. */
function uniqueMissionId(country: string): string {
  return `${country}-t${randomBytes(5).toString('hex')}`;
}

/** A hub directory, its missions enrolled and a ministry account made while the hub is stopped. */
async function hubWithMissions(temp: TempDir, missionIds: readonly string[]) {
  await ready();
  // Run as root, the hub's PostgreSQL runs as its own system user, which must pass through.
  await chmod(temp.dir, 0o711);
  const brokerPort = await freePort();
  await initHub({ dir: join(temp.dir, 'hub'), httpPort: '0', mqttPort: String(brokerPort) });
  const configFile = join(temp.dir, 'hub', 'hub.json');
  const config = await readHubConfig(configFile);
  const hub = await loadHubIdentity(config);
  const missions = missionIds.map((id) => Identity.generate(id));
  const bundles = missions.map((mission) => enrolmentBundleFor(hub, mission));
  const db = await openDatabase(storeConfigOf(config));
  try {
    for (const bundle of bundles) await recordEnrolment(db, hub.toPublic(), bundle.certificate);
    const account = await bootstrapUser(db, {
      username: 'directeur.crash',
      displayName: 'Direction (crash test)',
      roles: ['directorate'],
      secretsKey: hubSecretsKey(hub),
    });
    return {
      config,
      configFile,
      missions,
      bundles,
      account,
      brokerUrl: `mqtt://127.0.0.1:${brokerPort}`,
    };
  } finally {
    await db.close();
  }
}

/**
 * One query on the running hub's PostgreSQL, through the socket in its data directory, on a
 * connection of its own: undefined while no server answers (the hub is down or starting).
 */
async function hubQuery<T>(config: HubConfig, sql: string, params: unknown[] = []): Promise<T[] | undefined> {
  const client = new pg.Client({ host: hubPaths(config).postgres, user: 'postgres', database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(sql, params)).rows as T[];
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function hubCount(config: HubConfig, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await hubQuery<{ n: string | number }>(config, sql, params);
  return rows ? Number(rows[0]?.n ?? 0) : -1;
}

/** Events of the mission the hub holds. */
function eventsAtHub(config: HubConfig, missionId: string): Promise<number> {
  return hubCount(config, 'SELECT count(*) AS n FROM mission_events WHERE mission_id = $1', [missionId]);
}

/** kill -9 of the hub process; its PostgreSQL goes with it (parent-death signal). */
async function killHub(hub: HubProcess): Promise<void> {
  hub.process.kill('SIGKILL');
  await hub.exited;
}

/** A node store with the mission's enrolment, and its link to the hub's broker (not started). */
function missionNode(
  node: TempStore,
  mission: Identity,
  bundle: ReturnType<typeof enrolmentBundleFor>,
  brokerUrl: string,
  maxEvents: number,
): HubLink {
  const material = importEnrolment(node.store, mission, bundle);
  return new HubLink(
    {
      store: node.store,
      self: mission,
      hub: material.hub,
      trust: material.trust,
      now: Date.now,
      softwareVersion: 'hub-crash-test',
      batch: { maxEvents, maxBytes: 256 * 1024 },
    },
    downHandlers(),
    { url: brokerUrl, reconnect: { baseMs: 100, maxMs: 1000 }, drainIntervalMs: 100, resendAfterMs: 1000 },
  );
}

function hubUrlOf(hub: HubProcess): string {
  const url = /hub listening on (\S+)/.exec(hub.output())?.[1];
  if (!url) throw new Error(`no URL in the hub's output:\n${hub.output()}`);
  return url;
}

/** How often the hub's server log says it recovered from a crash at start. */
async function crashRecoveries(config: HubConfig): Promise<number> {
  const log = await readFile(hubPaths(config).postgresLog, 'utf8');
  return log.split('\n').filter((line) => line.includes('was not properly shut down')).length;
}

// Four hub starts on a new PostgreSQL cluster and a full catch-up on a noisy machine: a safety
// net, not a measure.
const CRASH_TEST_TIMEOUT_MS = 420_000;

beforeAll(ready);

describe('kill -9 of the default hub (econsulat hub run, embedded PostgreSQL and broker)', () => {
  let temp: TempDir | undefined;
  const nodes: TempStore[] = [];
  const links: HubLink[] = [];
  afterEach(async () => {
    for (const link of links.splice(0)) await link.stop();
    await killLeftoverHubs();
    for (const node of nodes.splice(0)) await node.cleanup();
    await temp?.cleanup();
    temp = undefined;
  });

  it(
    'keeps each of 5,000 events applied exactly once when killed three times during a catch-up',
    async () => {
      const total = 5000;
      temp = await makeTempDir('econsulat-hub-crash-');
      const missionId = uniqueMissionId('fr');
      const setup = await hubWithMissions(temp, [missionId]);
      const { config } = setup;
      const node = await openTempStore();
      nodes.push(node);
      const [mission, bundle] = [setup.missions[0], setup.bundles[0]];
      if (!mission || !bundle) throw new Error('no mission enrolled');
      const link = missionNode(node, mission, bundle, setup.brokerUrl, 10);
      links.push(link);
      // A long outage's backlog, queued before the link comes up.
      node.store.db.transaction(() => {
        for (let i = 0; i < total; i++) {
          appendEvent(
            node.store,
            newEvent({
              kind: 'appointment.booked',
              entity: 'appointment',
              entityId: `RDV-${i}`,
              data: bookedData({ i }),
            }),
          );
        }
      })();

      let hub = await startHubProcess(setup.configFile);
      link.start();
      const heldAfterKills: number[] = [];
      for (const threshold of KILL_AT) {
        await expect
          .poll(() => eventsAtHub(config, missionId), { timeout: 120_000, interval: 10 })
          .toBeGreaterThanOrEqual(threshold);
        await killHub(hub);
        hub = await startHubProcess(setup.configFile);
        heldAfterKills.push(await eventsAtHub(config, missionId));
      }
      // Every kill landed mid-catch-up: the restarted hub found only part of the events committed,
      // and at least all it had committed before the kill (durable, not only eventually resent).
      for (const [index, held] of heldAfterKills.entries()) {
        expect(held).toBeLessThan(total);
        expect(held).toBeGreaterThanOrEqual(KILL_AT[index] ?? 0);
      }
      expect(await crashRecoveries(config)).toBeGreaterThanOrEqual(3);

      await expect.poll(() => eventsAtHub(config, missionId), { timeout: 180_000 }).toBe(total);
      await expect
        .poll(() => readNodeLinkState(node.path), { timeout: 120_000 })
        .toMatchObject({ undelivered: 0, held: 0 });
      const nodeState = readNodeLinkState(node.path);

      // Each event once: as rows, and as effects the dashboards' insert trigger really applied.
      const rows = await hubQuery<{ event_id: string }>(
        config,
        'SELECT event_id::text AS event_id FROM mission_events WHERE mission_id = $1',
        [missionId],
      );
      const ids = new Set(rows?.map((row) => row.event_id));
      expect(rows?.length).toBe(total);
      expect(nodeState.ids.filter((id) => !ids.has(id))).toEqual([]);
      const counted = await hubQuery<{ grain: string; events: string }>(
        config,
        `SELECT grain, sum(events) AS events FROM dashboard_counts
          WHERE mission_id = $1 AND kind = 'appointment.booked' GROUP BY grain ORDER BY grain`,
        [missionId],
      );
      expect(counted?.map((row) => [row.grain, Number(row.events)])).toEqual([
        ['d', total],
        ['m', total],
      ]);
      // Each sealed envelope applied once, in order; replays were acknowledged, never refused.
      expect(
        await hubCount(config, 'SELECT applied_up_to AS n FROM channels WHERE mission_id = $1', [missionId]),
      ).toBe(nodeState.sealed);
      expect(nodeState.ackedUpTo).toBe(nodeState.sealed);
      expect(await hubCount(config, 'SELECT coalesce(sum(count), 0) AS n FROM ingest_refusals')).toBe(0);
    },
    CRASH_TEST_TIMEOUT_MS,
  );

  it(
    'delivers a directive to two missions exactly once when killed as it sends it',
    async () => {
      temp = await makeTempDir('econsulat-hub-crash-');
      const setup = await hubWithMissions(temp, [uniqueMissionId('fr'), uniqueMissionId('cm')]);
      const { config } = setup;
      const missionIds = setup.missions.map((mission) => mission.partyId);
      let hub = await startHubProcess(setup.configFile);
      const stores: TempStore[] = [];
      for (const [index, mission] of setup.missions.entries()) {
        const node = await openTempStore();
        nodes.push(node);
        stores.push(node);
        // Every receipt the node queues is an application of the directive: counted by a trigger of
        // this connection, which the link's handlers share.
        node.store.db.exec(`
          CREATE TEMP TABLE receipts_queued (type TEXT NOT NULL);
          CREATE TEMP TRIGGER count_receipts AFTER INSERT ON main.link_pending
            WHEN NEW.type IN ('directive.receipt', 'directive.ack')
            BEGIN INSERT INTO receipts_queued VALUES (NEW.type); END;`);
        const bundle = setup.bundles[index];
        if (!bundle) throw new Error('no bundle');
        const link = missionNode(node, mission, bundle, setup.brokerUrl, 50);
        links.push(link);
        link.start();
      }
      const online = () =>
        hubCount(
          config,
          'SELECT count(*) AS n FROM channels WHERE mission_id = ANY($1) AND last_hello_at IS NOT NULL',
          [missionIds],
        );
      await expect.poll(online, { timeout: 60_000 }).toBe(2);

      const bearer = await loginBearer(hubUrlOf(hub), setup.account);
      const issued = await fetch(`${hubUrlOf(hub)}/api/v1/directives`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer },
        body: JSON.stringify({
          title: { fr: 'Fermeture exceptionnelle' },
          body: { fr: 'Les services consulaires ferment vendredi.' },
          priority: 'high',
          target: missionIds,
        }),
      });
      expect(issued.status).toBe(201);
      // Killed as soon as it has committed the directive and started publishing it.
      await killHub(hub);
      const { directive } = (await issued.json()) as { directive: { directiveId: string } };
      const id = directive.directiveId;

      hub = await startHubProcess(setup.configFile);
      const hubUrl = hubUrlOf(hub);
      // The session outlives the process (a TOTP code is taken once: no second login now).
      const statusOf = async () => {
        const response = await fetch(`${hubUrl}/api/v1/directives/${id}`, {
          headers: bearer,
        });
        const body = (await response.json()) as {
          missions: { missionId: string; receivedAt: string | null; acknowledgedAt: string | null }[];
        };
        return body.missions;
      };
      await expect
        .poll(async () => (await statusOf()).filter((m) => m.receivedAt !== null).length, {
          timeout: 120_000,
        })
        .toBe(2);
      // The consuls acknowledge: the acknowledgements arrive too.
      for (const node of stores) {
        expect(acknowledgeDirective(node.store, { directiveId: id, by: 'consul' })).toBe('acknowledged');
      }
      await expect
        .poll(async () => (await statusOf()).filter((m) => m.acknowledgedAt !== null).length, {
          timeout: 120_000,
        })
        .toBe(2);

      for (const node of stores) {
        const db = node.store.db;
        const stored = db
          .prepare(
            'SELECT count(*) AS n, count(last_reminded_at) AS reminded FROM directives WHERE directive_id = ?',
          )
          .get(id) as { n: number; reminded: number };
        // Stored once, never handed to the handler a second time (that would read as a reminder).
        expect(stored).toEqual({ n: 1, reminded: 0 });
        const queued = db
          .prepare('SELECT type, count(*) AS n FROM receipts_queued GROUP BY type ORDER BY type')
          .all();
        expect(queued).toEqual([
          { type: 'directive.ack', n: 1 },
          { type: 'directive.receipt', n: 1 },
        ]);
      }
      await expect
        .poll(() => stores.map((node) => readNodeLinkState(node.path)), { timeout: 60_000 })
        .toEqual(stores.map(() => expect.objectContaining({ held: 0 })));
      // Both ways, each channel stands where the other side's last envelope put it.
      for (const [index, node] of stores.entries()) {
        const missionId = missionIds[index];
        const nodeState = readNodeLinkState(node.path);
        expect(
          await hubCount(config, 'SELECT applied_up_to AS n FROM channels WHERE mission_id = $1', [
            missionId,
          ]),
        ).toBe(nodeState.sealed);
        const appliedFromHub = (
          node.store.db.prepare("SELECT applied_up_to AS n FROM link_channel WHERE peer = 'hub'").get() as {
            n: number;
          }
        ).n;
        expect(
          await hubCount(config, 'SELECT max(seq) AS n FROM outbound WHERE mission_id = $1', [missionId]),
        ).toBe(appliedFromHub);
        expect(
          await hubCount(
            config,
            'SELECT count(*) AS n FROM outbound WHERE mission_id = $1 AND acked_at IS NULL',
            [missionId],
          ),
        ).toBe(0);
      }
      expect(await hubCount(config, 'SELECT coalesce(sum(count), 0) AS n FROM ingest_refusals')).toBe(0);
    },
    CRASH_TEST_TIMEOUT_MS,
  );
});
