// A mission node's link as its own process, so a test can kill -9 it: the store, keys and
// enrolment come from files in `dir`; the first start may queue events before linking.
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

/** What the node child is told on its command line. */
export interface NodeLinkChildConfig {
  /** Holds data.key, mission.key, enrolment.json and mission.sqlite (created on first start). */
  readonly dir: string;
  readonly brokerUrl: string;
  /** Events to queue before the link starts (first start only). */
  readonly append: number;
  /** Events per sealed batch: small batches make many envelopes, so a kill lands between them. */
  readonly batchEvents: number;
}

const config = childConfig<NodeLinkChildConfig>();
await ready();
const self = await readKeyFile(join(config.dir, NODE_FILES.missionKey));
const store = await openStore({
  path: join(config.dir, NODE_FILES.database),
  dataKey: await loadDataKey(join(config.dir, NODE_FILES.dataKey)),
});
const material =
  loadTrustMaterial(store) ??
  importEnrolment(store, self, JSON.parse(await readFile(join(config.dir, NODE_FILES.enrolment), 'utf8')));
// One transaction, as a service writes its change and its event: all queued or none.
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
  softwareVersion: 'kill-test',
  batch: { maxEvents: config.batchEvents, maxBytes: 256 * 1024 },
};
const link = new HubLink(context, downHandlers(), {
  url: config.brokerUrl,
  reconnect: { baseMs: 100, maxMs: 1000 },
  drainIntervalMs: 100,
  resendAfterMs: 1000,
  onError: (error) => console.error(`node link: ${error.message}`),
});
link.start();
exitCleanlyOnSignal(async () => {
  await link.stop();
  store.close();
});
console.log(READY_LINE);
