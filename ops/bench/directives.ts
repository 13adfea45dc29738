import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedBroker, startBroker } from '../../hub/broker/broker.js';
import type { Database } from '../../hub/db/database.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { HubIngestLink } from '../../hub/link/hub-link.js';
import { issueDirective } from '../../hub/services/directives/issue-directive.js';
import { enrolFromRequest } from '../../hub/services/missions/enrol-request.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import { openStore, type Store } from '../../node/db/store.js';
import { downHandlers } from '../../node/link/handlers/index.js';
import { HubLink } from '../../node/link/hub-connection.js';
import { importEnrolment } from '../../node/link/trust-material.js';
import {
  createEnrolmentRequest,
  HUB_ID,
  Identity,
  ready,
  sodium,
  type TrustStore,
} from '../../protocol/index.js';
import { sleep } from './_child.js';
import { median } from './measure.js';

const MISSIONS = 50;
const ROUNDS = 3;
const TIMEOUT_MS = 60_000;

/** Enrols a mission at the hub and opens its store with the enrolment imported. */
async function enrolMission(db: Database, hub: Identity, dir: string, index: number) {
  const id = `fr-m${String(index).padStart(2, '0')}`;
  const identity = Identity.generate(id);
  const now = new Date();
  const bundle = await enrolFromRequest(db, hub, createEnrolmentRequest(identity, `Mission ${id}`, now), now);
  const store = await openStore({ path: join(dir, `${id}.sqlite`), dataKey: sodium.randombytes_buf(32) });
  return { identity, store, material: importEnrolment(store, identity, bundle) };
}

/** Count of the missions that have receipted this directive, as the hub's dashboard reads it. */
async function receipted(db: Database, directiveId: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM directive_status WHERE directive_id = $1 AND received_at IS NOT NULL',
    [directiveId],
  );
  return Number(row?.n ?? 0);
}

/** One directive to all: issued (sealed per mission, held), published, then every receipt committed. */
async function directiveRound(db: Database, hub: Identity, trust: TrustStore, hubLink: HubIngestLink) {
  const start = performance.now();
  const issued = await issueDirective(
    db,
    hub,
    trust,
    {
      title: { fr: 'Recensement électoral' },
      body: { fr: 'Ouvrez les listes le 5 janvier et rendez compte chaque semaine.' },
      target: 'all',
    },
    'Direction des Centrafricains de l’étranger',
    new Date(),
  );
  for (const { missionId, envelope } of issued.envelopes) hubLink.publishDown(missionId, envelope);
  const published = performance.now();
  const id = issued.directive.directiveId;
  while ((await receipted(db, id)) < MISSIONS) {
    if (performance.now() - start > TIMEOUT_MS) {
      throw new Error(`only ${await receipted(db, id)} of ${MISSIONS} receipts after ${TIMEOUT_MS} ms`);
    }
    await sleep(5);
  }
  const done = performance.now();
  return { issueMs: published - start, totalMs: done - start };
}

/** A directive to 50 online missions: time from issuing it to every automatic receipt at the hub. */
export async function benchDirectives(): Promise<void> {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-directives-'));
  const db = await openDatabase({});
  const hub = Identity.generate(HUB_ID);
  const stores: Store[] = [];
  const links: HubLink[] = [];
  let broker: EmbeddedBroker | undefined;
  let hubLink: HubIngestLink | undefined;
  try {
    const enrolled = [];
    for (let i = 1; i <= MISSIONS; i++) {
      const mission = await enrolMission(db, hub, dir, i);
      stores.push(mission.store);
      enrolled.push(mission);
    }
    const { trust } = await loadTrustStore(db, hub.toPublic());
    // The hub's own key, so that its broker token verifies at the embedded broker.
    trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
    broker = await startBroker({ host: '127.0.0.1', port: 0, trust, events: { refused: () => {} } });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    hubLink = new HubIngestLink(db, hub, trust, { url, clientId: 'hub-bench' });
    await hubLink.start();
    for (const { identity, store, material } of enrolled) {
      const context = {
        store,
        self: identity,
        hub: material.hub,
        trust: material.trust,
        now: Date.now,
        softwareVersion: 'bench',
        batch: { maxEvents: 500, maxBytes: 256 * 1024 },
      };
      // Each simulated mission is a real node link: its own MQTT session, channel and outbox.
      const link = new HubLink(context, downHandlers(), { url });
      link.start();
      links.push(link);
    }
    while (links.some((link) => !link.status().connected)) await sleep(20);
    // Let the hellos of the 50 connections be answered: the rounds measure the directive alone.
    await sleep(1000);
    console.log(
      `directives: one directive to 'all' of ${MISSIONS} online missions (each a HubLink over its own SQLite), ` +
        `hub on PGlite + embedded broker, issue → every automatic receipt committed at the hub, ${ROUNDS} rounds`,
    );
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await directiveRound(db, hub, trust, hubLink));
    const total = rounds.map((r) => r.totalMs);
    const issue = rounds.map((r) => r.issueMs);
    console.log(
      `all ${MISSIONS} receipted: median ${(median(total) / 1000).toFixed(2)} s (rounds: ${total.map((ms) => (ms / 1000).toFixed(2)).join(', ')}; target ≤ 2 s); ` +
        `of which issuing (50 envelopes sealed and held in one transaction, then published): median ${median(issue).toFixed(0)} ms`,
    );
  } finally {
    for (const link of links) await link.stop();
    await hubLink?.stop();
    await broker?.close();
    for (const store of stores) store.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
