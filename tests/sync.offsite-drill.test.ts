import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { documentsDirIn } from '../node/services/files/scan-files.js';
import { readNodeConfig } from '../ops/commands/node.js';
import { ready } from '../protocol/index.js';
import { scrapeUrl } from './_util/metrics-scrape.js';
import { readNodeLinkState } from './_util/node-link-state.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { OFFSITE_MISSION, offsiteSite } from './_util/offsite-processes.js';
import { econsulat, runEconsulat } from './_util/processes/econsulat-cli.js';
import { killLeftoverHubs } from './_util/processes/hub-cli.js';
import { killLeftoverNodes, startNodeProcess, stopNodeProcess } from './_util/processes/node-cli.js';
import { publicBookings } from './_util/public-bookings.js';
import { metricSample } from './_util/rogue-client.js';

// The drill of the off-site backup runbook, on real processes set up with the real commands: a
// mission whose hub holds its off-site backup loses its whole data directory (a fire), and is
// rebuilt on a fresh directory from the hub with the ministry's recovery key, which the hub never
// had. The bookings made after the generation was taken reached the hub; the rebuilt node gets them
// back from the hub's sealed copies, as after a local restore.

const MISSION = OFFSITE_MISSION;
const EVENTS_PER_BOOKING = 3;
const BOOKINGS = { after: 8 } as const;
const WAIT = { timeout: 120_000, interval: 250 };

describe('rebuilding a mission from its off-site backup at HQ, with the commands of the runbook', () => {
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

  it('brings back the database, byte-identical scans and the keys, and the node catches up with the hub', async () => {
    temp = await makeTempDir('econsulat-offsite-drill-');
    const site = await offsiteSite(temp);
    const { missionDir, nodeConfigFile, hubUrl, db, headers, offsiteAtHub, scans, vault } = site;
    hubDb = db;
    const rebuiltDir = join(temp.dir, 'rebuilt');
    let node = await startNodeProcess(nodeConfigFile);

    // 1. The policy reaches the new mission, which sends its first generation at once.
    await expect.poll(offsiteAtHub, WAIT).not.toBeNull();
    const stored = await offsiteAtHub();
    expect(stored?.generation).toBe(1);

    // 2. Bookings after the generation, until the hub has their events.
    const bookings = await publicBookings(node.url, join(missionDir, 'sms-outbox.jsonl'));
    await bookings.book(node.url, BOOKINGS.after);
    const nodeState = () => readNodeLinkState(join(missionDir, 'mission.sqlite'));
    await expect.poll(nodeState, WAIT).toMatchObject({ undelivered: 0, held: 0 });
    const eventsAtHub = async () =>
      (
        await db.query<{ id: string }>(
          'SELECT event_id::text AS id FROM mission_events WHERE mission_id = $1',
          [MISSION],
        )
      )
        .map((row) => row.id)
        .sort();
    const before = await eventsAtHub();
    expect(before.length).toBeGreaterThanOrEqual(BOOKINGS.after * EVENTS_PER_BOOKING);

    // 3. The fire: the node stops and its whole data directory is gone.
    expect(await stopNodeProcess(node)).toBe(0);
    await rm(missionDir, { recursive: true, force: true });

    // 4. On a new machine: the restore from the hub, refused without the right recovery key...
    const tokenFile = join(temp.dir, 'hub-token');
    await writeFile(tokenFile, headers.authorization.replace(/^Bearer /, ''), { mode: 0o600 });
    const env = { ECONSULAT_HUB_TOKEN_FILE: tokenFile };
    const restoreArgs = ['node', 'restore', '--from-hub', '--hub', hubUrl, '--mission', MISSION];
    await econsulat('hub', 'recovery-key', 'create', '--out', join(temp.dir, 'another-key'));
    const refused = await runEconsulat(
      [
        ...restoreArgs,
        '--recovery-key',
        join(temp.dir, 'another-key', 'recovery.secret'),
        '--dir',
        rebuiltDir,
      ],
      env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/offsite_/);
    await expect(readdir(rebuiltDir).catch(() => [])).resolves.not.toContain('mission.sqlite');
    // ...and done with the custodian's.
    const restored = await runEconsulat(
      [...restoreArgs, '--recovery-key', join(vault, 'recovery.secret'), '--dir', rebuiltDir],
      env,
    );
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored off-site generation 1 of ${MISSION}`);

    // The scans, byte for byte.
    for (const [name, bytes] of scans) {
      expect(await readFile(join(documentsDirIn(rebuiltDir), name))).toEqual(bytes);
    }

    // 5. The rebuilt node runs from the node.json the generation carried, and catches up: what it
    // wrote after the generation was taken comes back from the hub's sealed copies of its records.
    const kept = rebuiltIds(rebuiltDir);
    const lost = before.filter((id) => !kept.has(id));
    expect(lost.length).toBeGreaterThanOrEqual(BOOKINGS.after * EVENTS_PER_BOOKING);
    node = await startNodeProcess(join(rebuiltDir, 'node.json'));
    const nodeToken = (await readNodeConfig(join(rebuiltDir, 'node.json'))).metrics.token;
    await expect
      .poll(
        async () =>
          metricSample(await scrapeUrl(node.url, nodeToken), 'econsulat_recovered_events', {
            mission: MISSION,
            outcome: 'restored',
          }),
        WAIT,
      )
      .toBe(lost.length);
    const rebuiltState = () => readNodeLinkState(join(rebuiltDir, 'mission.sqlite'));
    await expect.poll(rebuiltState, WAIT).toMatchObject({ undelivered: 0, held: 0 });
    // Nothing that reached the hub was lost, and nothing reached it twice.
    expect(await eventsAtHub()).toEqual(before);

    // 6. The mission works on after its rebuild: its new events reach the hub, each once.
    const afterwards = await publicBookings(node.url, join(rebuiltDir, 'sms-outbox.jsonl'));
    await afterwards.book(node.url, 2);
    await expect.poll(rebuiltState, WAIT).toMatchObject({ undelivered: 0, held: 0 });
    const written = rebuiltState().ids.filter((id) => !kept.has(id));
    // A booking writes two events, three when its applicant is new to the node.
    expect(written.length).toBeGreaterThanOrEqual(2 * 2);
    await expect.poll(eventsAtHub, WAIT).toEqual([...before, ...written].sort());
    expect(await stopNodeProcess(node)).toBe(0);
  }, 600_000);
});

/** The events in a rebuilt node's outbox (those the generation held). */
function rebuiltIds(dir: string): Set<string> {
  return new Set(readNodeLinkState(join(dir, 'mission.sqlite')).ids);
}
