import { Counter, type Registry } from 'prom-client';
import type { Database } from './db/database.js';
import { perMissionGauges } from './metrics-per-mission.js';
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
  perMissionGauges(
    registry,
    async () => {
      const now = Date.now();
      return (await offsiteByMission(db, new Date(now))).map((row) => ({ ...row, now }));
    },
    (row) => row.missionId,
    [
      [
        'econsulat_hub_offsite_last_stored_age_seconds',
        'Seconds since the mission’s newest off-site generation was stored whole (absent before the first)',
        ({ last, now }) => (last ? (now - Date.parse(last.completedAt)) / 1000 : undefined),
      ],
    ],
  );
  perMissionGauges(
    registry,
    () => diskUseByMission(db),
    (row) => row.missionId,
    [
      [
        'econsulat_hub_offsite_stored_bytes',
        'Bytes of sealed off-site backup chunks the hub holds for the mission',
        (row) => row.bytes,
      ],
    ],
  );
  return {
    chunk(missionId: string, kept: boolean) {
      chunks.labels(missionId, kept ? 'kept' : 'dropped').inc();
    },
  };
}
