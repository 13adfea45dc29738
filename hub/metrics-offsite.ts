import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from './db/database.js';
import { offsiteByMission } from './services/offsite/last-stored.js';
import { diskUseByMission } from './services/offsite/restore-reads.js';

/**
 * Off-site backups in `/metrics`: chunk frames counted as they come (per process, like the
 * envelopes), and each mission's standing read from the store at scrape time.
 */
export function offsiteMetrics(db: Database, registry: Registry) {
  const chunks = new Counter({
    name: 'econsulat_hub_offsite_chunks_total',
    help: 'Off-site backup chunk frames by mission and outcome (kept: written; dropped: not a chunk a pending generation lacked)',
    labelNames: ['mission', 'outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'econsulat_hub_offsite_last_stored_age_seconds',
    help: 'Seconds since the mission’s newest off-site generation was stored whole (absent before the first)',
    labelNames: ['mission'],
    registers: [registry],
    async collect() {
      const now = new Date();
      const missions = await offsiteByMission(db, now);
      this.reset();
      for (const { missionId, last } of missions) {
        if (last) this.labels(missionId).set((now.getTime() - Date.parse(last.completedAt)) / 1000);
      }
    },
  });
  new Gauge({
    name: 'econsulat_hub_offsite_stored_bytes',
    help: 'Bytes of sealed off-site backup chunks the hub holds for the mission',
    labelNames: ['mission'],
    registers: [registry],
    async collect() {
      const use = await diskUseByMission(db);
      this.reset();
      for (const row of use) this.labels(row.missionId).set(row.bytes);
    },
  });
  return {
    chunk(missionId: string, kept: boolean) {
      chunks.labels(missionId, kept ? 'kept' : 'dropped').inc();
    },
  };
}
