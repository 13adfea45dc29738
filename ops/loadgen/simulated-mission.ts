import { join } from 'node:path';
import type { Database } from '../../hub/db/database.js';
import { enrolFromRequest } from '../../hub/services/missions/enrol-request.js';
import { openStore, type Store } from '../../node/db/store.js';
import { downHandlers } from '../../node/link/handlers/index.js';
import { HubLink } from '../../node/link/hub-connection.js';
import { importEnrolment } from '../../node/link/trust-material.js';
import { appendEvent, outboxBacklog } from '../../node/services/outbox/outbox.js';
import { createEnrolmentRequest, Identity, sodium } from '../../protocol/index.js';
import { trafficEvent } from './traffic.js';

/** One mission of the load: a real node store and link, sending its share of the traffic. */
export interface SimulatedMission {
  readonly id: string;
  /** Events written to its outbox so far. */
  readonly written: number;
  /** Writes `count` events at once, as the backlog of an outage. */
  writeBacklog(count: number): void;
  /** Writes the events due by `elapsedSeconds` at `perSecond`; returns how many it wrote. */
  writeDue(elapsedSeconds: number, perSecond: number): number;
  outboxBacklog(): number;
  stop(): Promise<void>;
}

/** Enrols a mission at the hub's database and opens its store in `dir`; its link waits for `start`. */
export async function enrolSimulatedMission(options: {
  db: Database;
  hub: Identity;
  missionId: string;
  dir: string;
  brokerUrl: string;
}): Promise<SimulatedMission & { start(): void }> {
  const self = Identity.generate(options.missionId);
  const now = new Date();
  const bundle = await enrolFromRequest(
    options.db,
    options.hub,
    createEnrolmentRequest(self, options.missionId, now),
    now,
  );
  const store: Store = await openStore({
    path: join(options.dir, `${options.missionId}.sqlite`),
    dataKey: sodium.randombytes_buf(32),
  });
  const material = importEnrolment(store, self, bundle);
  const link = new HubLink(
    {
      store,
      self,
      hub: material.hub,
      trust: material.trust,
      now: Date.now,
      softwareVersion: 'loadgen',
      batch: { maxEvents: 500, maxBytes: 256 * 1024 },
    },
    downHandlers(),
    // A node's defaults: a drain every second, a resend after 30 s without progress.
    { url: options.brokerUrl, reconnect: { baseMs: 500, maxMs: 5_000 } },
  );
  // Each mission starts its day at a different point, as real ones do not send in step.
  const phase = Math.random();
  let written = 0;
  let backlog = 0;
  const writeOne = () => {
    appendEvent(store, trafficEvent(options.missionId, written, Math.random()));
    written += 1;
  };
  return {
    id: options.missionId,
    get written() {
      return written;
    },
    writeBacklog(count) {
      store.db.transaction(() => {
        for (let i = 0; i < count; i++) writeOne();
      })();
      backlog += count;
    },
    writeDue(elapsedSeconds, perSecond) {
      const due = backlog + Math.floor(elapsedSeconds * perSecond + phase);
      const before = written;
      while (written < due) writeOne();
      return written - before;
    },
    outboxBacklog: () => outboxBacklog(store).count,
    start: () => link.start(),
    async stop() {
      await link.stop();
      store.close();
    },
  };
}
