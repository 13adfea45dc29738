import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHubIdentity } from '../hub/config/secrets.js';
import type { Database } from '../hub/db/database.js';
import { loadDataKey } from '../node/crypto/key-file.js';
import { openStore } from '../node/db/store.js';
import { listRecoveredEvents } from '../node/services/recovery/recovered-events.js';
import { readHubConfig } from '../ops/commands/hub.js';
import { readNodeConfig } from '../ops/commands/node.js';
import { ready } from '../protocol/index.js';
import { freePort } from './_util/free-port.js';
import { scrapeUrl } from './_util/metrics-scrape.js';
import { readNodeLinkState } from './_util/node-link-state.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { econsulat } from './_util/processes/econsulat-cli.js';
import { killLeftoverHubs, startHubProcess } from './_util/processes/hub-cli.js';
import { ministryBearer, runningHubDatabase } from './_util/processes/hub-database.js';
import { killLeftoverNodes, startNodeProcess, stopNodeProcess } from './_util/processes/node-cli.js';
import { publicBookings } from './_util/public-bookings.js';
import { metricSample } from './_util/rogue-client.js';

// The restore drill of ops/runbooks/sauvegarde-et-restauration.md, on real processes set up with
// the real commands: `econsulat hub run` on its default embedded PostgreSQL and broker (the durable
// default; it starts in a few seconds, and its socket lets the test read the hub's tables while it
// runs), `econsulat node run`, `econsulat node backup` and `econsulat node restore --force`.
// Every event comes from a booking made through the node's public HTTP API: a new applicant's
// record, the place held, the booking confirmed with the SMS code.

const MISSION = 'fr-paris';
/** Events a booking by a new applicant writes: person.created, appointment.held, appointment.booked. */
const EVENTS_PER_BOOKING = 3;
/** Bookings before the backup, after it (lost by the restore), and after the restore. */
const BOOKINGS = { before: 10, lost: 67, after: 17 } as const;
const EVENTS = {
  before: BOOKINGS.before * EVENTS_PER_BOOKING,
  lost: BOOKINGS.lost * EVENTS_PER_BOOKING,
  after: BOOKINGS.after * EVENTS_PER_BOOKING,
};
const ALL_EVENTS = EVENTS.before + EVENTS.lost + EVENTS.after;
/** Bounds for conditions polled on a loaded 2-core machine: a safety net, not a measure. */
const WAIT = { timeout: 90_000, interval: 250 };

describe('restoring a mission node from its backup, with the commands its IT referent uses', () => {
  let temp: TempDir | undefined;
  let hubDb: Database | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await hubDb?.close();
    await killLeftoverNodes();
    await killLeftoverHubs();
    await temp?.cleanup();
    hubDb = temp = undefined;
  });

  it('gives the hub every event once, the node back the bookings it lost, and the later directive once', async () => {
    temp = await makeTempDir('econsulat-restore-drill-');
    // Run as root, the hub's PostgreSQL runs as a system user of its own, which must pass through.
    await chmod(temp.dir, 0o711);
    const hubDir = join(temp.dir, 'hub');
    const missionDir = join(temp.dir, 'mission');
    const hubConfigFile = join(hubDir, 'hub.json');
    const nodeConfigFile = join(missionDir, 'node.json');
    const database = join(missionDir, 'mission.sqlite');
    const mqttPort = await freePort();
    await econsulat('hub', 'init', '--dir', hubDir, '--http-port', '0', '--mqtt-port', String(mqttPort));
    await econsulat(
      ...['node', 'init', '--mission', MISSION, '--name', 'Ambassade de la RCA à Paris', '--dir', missionDir],
      ...['--region', 'FR', '--currency', 'EUR', '--time-zone', 'Europe/Paris', '--port', '0'],
      // Plain HTTP on the loopback: the drill books through fetch, and is about backups, not transport.
      '--no-tls',
      ...['--mqtt-url', `mqtt://127.0.0.1:${mqttPort}`],
    );
    const bundle = join(temp.dir, 'enrolment-bundle.json');
    const request = join(missionDir, 'enrolment-request.json');
    await econsulat('hub', 'enrol', '--config', hubConfigFile, '--request', request, '--out', bundle);
    await econsulat('node', 'import-enrolment', '--config', nodeConfigFile, '--bundle', bundle);

    const hubConfig = await readHubConfig(hubConfigFile);
    const hub = await startHubProcess(hubConfigFile);
    const hubUrl = /hub listening on (\S+)/.exec(hub.output())?.[1]?.replace(/\/$/, '') ?? '';
    const db = runningHubDatabase(hubConfig);
    hubDb = db;
    const { headers } = await ministryBearer(db, await loadHubIdentity(hubConfig), hubUrl);
    let node = await startNodeProcess(nodeConfigFile);
    const bookings = await publicBookings(node.url, join(missionDir, 'sms-outbox.jsonl'));

    const eventsAtHub = async () =>
      (
        await db.query<{ id: string }>(
          'SELECT event_id::text AS id FROM mission_events WHERE mission_id = $1',
          [MISSION],
        )
      )
        .map((row) => row.id)
        .sort();
    const nodeState = () => readNodeLinkState(database);
    const delivered = { undelivered: 0, held: 0 };

    // 1. A morning's bookings, until the hub has them.
    await bookings.book(node.url, BOOKINGS.before);
    await expect.poll(nodeState, WAIT).toMatchObject(delivered);
    expect(await eventsAtHub()).toEqual([...nodeState().ids].sort());

    // 2. The backup, taken from the command line while the node runs, as the nightly job does.
    const backedUp = await econsulat('node', 'backup', '--config', nodeConfigFile);
    const backupFile = /backup written: (\S+) \(/.exec(backedUp)?.[1];
    expect(backupFile).toBeDefined();
    const kept = new Set(nodeState().ids);
    expect(kept.size).toBe(EVENTS.before);

    // 3. 67 bookings (201 events) and a directive of the ministry, until both sides have them.
    const lostReferences = await bookings.book(node.url, BOOKINGS.lost);
    const issued = await fetch(`${hubUrl}/api/v1/directives`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: { fr: 'Fermeture exceptionnelle' },
        body: { fr: 'Les services consulaires ferment vendredi.' },
        priority: 'high',
        target: [MISSION],
      }),
    });
    expect(issued.status).toBe(201);
    const { directiveId } = ((await issued.json()) as { directive: { directiveId: string } }).directive;
    const receipts = async () => {
      const response = await fetch(`${hubUrl}/api/v1/directives/${directiveId}`, { headers });
      const status = (await response.json()) as {
        missions: { missionId: string; receivedAt: string | null }[];
      };
      return status.missions.map(({ missionId, receivedAt }) => ({ missionId, receivedAt }));
    };
    await expect.poll(async () => (await receipts())[0]?.receivedAt ?? null, WAIT).not.toBeNull();
    const [firstReceipt] = await receipts();
    await expect.poll(nodeState, WAIT).toMatchObject(delivered);
    const lost = nodeState().ids.filter((id) => !kept.has(id));
    expect(lost).toHaveLength(EVENTS.lost);
    expect(await eventsAtHub()).toEqual([...kept, ...lost].sort());

    // 4. The server burns: the node is stopped, its database restored from the backup, started again.
    expect(await stopNodeProcess(node)).toBe(0);
    const restored = await econsulat(
      ...['node', 'restore', '--config', nodeConfigFile, '--from', backupFile ?? ''],
      ...['--dir', missionDir, '--force'],
    );
    expect(restored).toContain('(integrity ok)');
    expect(restored).toContain('audit log OK');
    expect(nodeState().ids).toEqual([...kept]);
    node = await startNodeProcess(nodeConfigFile);

    // 5. The mission works on.
    await bookings.book(node.url, BOOKINGS.after);

    // 6. Every event at the hub, each applied once; the node's outbox delivered; what it lost back.
    const sinceRestore = () => nodeState().ids.filter((id) => !kept.has(id));
    await expect.poll(async () => (await eventsAtHub()).length, WAIT).toBe(ALL_EVENTS);
    await expect.poll(nodeState, WAIT).toMatchObject(delivered);
    expect(sinceRestore()).toHaveLength(EVENTS.after);
    const everyEvent = [...kept, ...lost, ...sinceRestore()].sort();
    expect(new Set(everyEvent).size).toBe(ALL_EVENTS);
    expect(await eventsAtHub()).toEqual(everyEvent);
    // Applied effects, not rows behind a key: the dashboards' insert trigger counts what it added.
    const [counted] = await db.query<{ n: string }>(
      `SELECT coalesce(sum(events), 0) AS n FROM dashboard_counts WHERE mission_id = $1 AND grain = 'd'`,
      [MISSION],
    );
    expect(Number(counted?.n)).toBe(ALL_EVENTS);
    const nodeToken = (await readNodeConfig(nodeConfigFile)).metrics.token;
    const nodeMetrics = () => scrapeUrl(node.url, nodeToken);
    // Every lost record is put back from the mission's sealed copies: nothing left for an agent.
    await expect
      .poll(
        async () =>
          metricSample(await nodeMetrics(), 'econsulat_recovered_events', {
            mission: MISSION,
            outcome: 'restored',
          }),
        WAIT,
      )
      .toBe(EVENTS.lost);
    expect(
      metricSample(await nodeMetrics(), 'econsulat_recovered_events_to_review', { mission: MISSION }),
    ).toBe(0);
    // Both ways, each channel stands where the other side's last envelope put it.
    const positions = async () => {
      const [channel] = await db.query<{ applied: string }>(
        'SELECT applied_up_to AS applied FROM channels WHERE mission_id = $1',
        [MISSION],
      );
      const { sealed, ackedUpTo } = nodeState();
      return { appliedAtHub: Number(channel?.applied), sealed, ackedUpTo };
    };
    await expect
      .poll(positions, WAIT)
      .toSatisfy(({ appliedAtHub, sealed, ackedUpTo }) => appliedAtHub === sealed && ackedUpTo === sealed);
    const [refused] = await db.query<{ n: string }>(
      'SELECT coalesce(sum(count), 0) AS n FROM ingest_refusals',
    );
    expect(Number(refused?.n)).toBe(0);

    // The hub saw the mission go back, once; the first receipt of the directive stands.
    const hubMetrics = await scrapeUrl(hubUrl, hubConfig.metrics.token);
    expect(metricSample(hubMetrics, 'econsulat_hub_channel_resyncs', { kind: 'node_behind' })).toBe(1);
    expect(await receipts()).toEqual([firstReceipt]);

    // The node's own records, read with its data key once it is stopped.
    expect(await stopNodeProcess(node)).toBe(0);
    const store = await openStore({
      path: database,
      dataKey: await loadDataKey(join(missionDir, 'keys', 'data.key')),
    });
    try {
      const recovered = listRecoveredEvents(store, { all: true, limit: 1000 });
      expect(recovered.map((event) => event.id).sort()).toEqual([...lost].sort());
      expect(new Set(recovered.map((event) => event.kind))).toEqual(
        new Set(['person.created', 'appointment.held', 'appointment.booked']),
      );
      // The bookings lost with the disk are back, confirmed, with their applicants.
      const states = store.db
        .prepare(
          `SELECT a.state, count(DISTINCT p.id) AS people FROM appointments a JOIN people p ON p.id = a.person_id
            WHERE a.reference IN (SELECT value FROM json_each(?)) GROUP BY a.state`,
        )
        .all(JSON.stringify(lostReferences));
      expect(states).toEqual([{ state: 'confirmed', people: BOOKINGS.lost }]);
      expect(store.db.prepare('SELECT count(*) AS n FROM appointments').get()).toEqual({
        n: BOOKINGS.before + BOOKINGS.lost + BOOKINGS.after,
      });
      // The directive issued after the backup came down again and was applied once: stored once,
      // never taken for a reminder, one receipt queued (the one from before the restore is gone).
      const directives = store.db
        .prepare('SELECT directive_id AS id, last_reminded_at AS reminded FROM directives')
        .all();
      expect(directives).toEqual([{ id: directiveId, reminded: null }]);
      const queuedReceipts = store.db
        .prepare(
          `SELECT (SELECT count(*) FROM link_sent WHERE type = 'directive.receipt')
                + (SELECT count(*) FROM link_pending WHERE type = 'directive.receipt') AS n`,
        )
        .get();
      expect(queuedReceipts).toEqual({ n: 1 });
    } finally {
      store.close();
    }
  }, 300_000);
});
