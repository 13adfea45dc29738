import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { ready } from '../protocol/index.js';
import { scrapeUrl } from './_util/metrics-scrape.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { OFFSITE_MISSION, offsiteSite } from './_util/offsite-processes.js';
import { killLeftoverHubs } from './_util/processes/hub-cli.js';
import { killLeftoverNodes, startNodeProcess, stopNodeProcess } from './_util/processes/node-cli.js';
import { metricSample } from './_util/rogue-client.js';

// Off-site chunks travel beside the link, never in front of it: a directive the ministry issues
// while a mission's first generation is still on its way reaches the mission before that
// generation is whole. The transfer is made long on purpose (7.5 MB of scans at 150 kB/s, the
// rate the hub's policy sets), so that "before" does not hang on timing.

const WAIT = { timeout: 180_000, interval: 250 };

describe('off-site transfer and live messages, on real processes', () => {
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

  it('delivers a directive issued during a long transfer before the transfer ends', async () => {
    temp = await makeTempDir('econsulat-offsite-live-');
    const site = await offsiteSite(temp, { offsite: { maxBytesPerSecond: 150_000 }, photos: 5 });
    hubDb = site.db;
    const node = await startNodeProcess(site.nodeConfigFile);
    const chunksKept = async () =>
      metricSample(await scrapeUrl(site.hubUrl, site.metricsToken), 'econsulat_hub_offsite_chunks_total', {
        mission: OFFSITE_MISSION,
        outcome: 'kept',
      }) ?? 0;

    // The transfer is under way: chunks reach the hub, the generation is not whole yet.
    await expect.poll(chunksKept, WAIT).toBeGreaterThanOrEqual(2);
    expect(await site.offsiteAtHub()).toBeNull();

    const issued = await fetch(`${site.hubUrl}/api/v1/directives`, {
      method: 'POST',
      headers: { ...site.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: { fr: 'Mise à jour des tarifs' },
        body: { fr: 'Les nouveaux tarifs s’appliquent dès lundi.' },
        priority: 'high',
        target: [OFFSITE_MISSION],
      }),
    });
    expect(issued.status).toBe(201);
    const { directiveId } = ((await issued.json()) as { directive: { directiveId: string } }).directive;
    const received = async () => {
      const response = await fetch(`${site.hubUrl}/api/v1/directives/${directiveId}`, {
        headers: site.headers,
      });
      const status = (await response.json()) as { missions: { receivedAt: string | null }[] };
      return status.missions[0]?.receivedAt ?? null;
    };
    await expect.poll(received, WAIT).not.toBeNull();
    // The directive did not wait for the generation: it is still incomplete at the hub...
    expect(await site.offsiteAtHub()).toBeNull();
    // ...and completes afterwards.
    await expect.poll(site.offsiteAtHub, WAIT).not.toBeNull();
    expect(await stopNodeProcess(node)).toBe(0);
  }, 600_000);
});
