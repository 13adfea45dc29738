// Several mission nodes' links in one process (each its own store, keys and MQTT client), so a
// test can run five missions without five process starts: the missions catching up on one hub.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataKey } from '../../../node/crypto/key-file.js';
import { openStore } from '../../../node/db/store.js';
import { downHandlers } from '../../../node/link/handlers/index.js';
import { HubLink } from '../../../node/link/hub-connection.js';
import type { LinkContext } from '../../../node/link/link-context.js';
import { importEnrolment, loadTrustMaterial } from '../../../node/link/trust-material.js';
import { appendEvent, newEvent } from '../../../node/services/outbox/outbox.js';
import { readKeyFile } from '../../../ops/keys/key-file.js';
import { ready } from '../../../protocol/index.js';
import { bookedData } from '../event-data.js';
import { childConfig, exitCleanlyOnSignal, NODE_FILES, READY_LINE } from './child-protocol.js';

/** What the missions child is told on its command line. */
export interface MissionNodesChildConfig {
  /** One directory per mission: data.key, mission.key, enrolment.json (mission.sqlite is made). */
  readonly dirs: readonly string[];
  readonly brokerUrl: string;
  /** Events each mission queues before its link starts. */
  readonly append: number;
  /** Events per sealed batch. */
  readonly batchEvents: number;
  /** The node's resend timer; the production default is 30 s. */
  readonly resendAfterMs: number;
}

const config = childConfig<MissionNodesChildConfig>();
await ready();
const links: { link: HubLink; close: () => void }[] = [];
for (const dir of config.dirs) links.push(await startMission(dir));
exitCleanlyOnSignal(async () => {
  for (const { link, close } of links) {
    await link.stop();
    close();
  }
});
console.log(READY_LINE);

async function startMission(dir: string) {
  const self = await readKeyFile(join(dir, NODE_FILES.missionKey));
  const store = await openStore({
    path: join(dir, NODE_FILES.database),
    dataKey: await loadDataKey(join(dir, NODE_FILES.dataKey)),
  });
  const material =
    loadTrustMaterial(store) ??
    importEnrolment(store, self, JSON.parse(await readFile(join(dir, NODE_FILES.enrolment), 'utf8')));
  store.db.transaction(() => {
    for (let i = 0; i < config.append; i++) {
      appendEvent(
        store,
        newEvent({
          kind: 'appointment.booked',
          entity: 'appointment',
          entityId: `RDV-${i}`,
          data: bookedData({ index: i }),
        }),
      );
    }
  })();
  const context: LinkContext = {
    store,
    self,
    hub: material.hub,
    trust: material.trust,
    now: Date.now,
    softwareVersion: 'multi-process-test',
    batch: { maxEvents: config.batchEvents, maxBytes: 256 * 1024 },
  };
  const link = new HubLink(context, downHandlers(), {
    url: config.brokerUrl,
    reconnect: { baseMs: 100, maxMs: 1000 },
    drainIntervalMs: 100,
    resendAfterMs: config.resendAfterMs,
    onError: (error) => console.error(`node link ${self.partyId}: ${error.message}`),
  });
  link.start();
  return { link, close: () => store.close() };
}
