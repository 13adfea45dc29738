import type { Registry } from 'prom-client';
import type { Database } from './db/database.js';
import { perMissionGauges } from './metrics-per-mission.js';
import { heldSubmissionCounts } from './services/registry/daily-bound.js';

/**
 * A mission sending the registry more than its daily bound (an agent's error, or someone asking
 * about invented persons with the mission's key): counted in the database, so that every hub
 * process reports the same, and read at scrape time.
 */
export function registryBoundGauges(db: Database, registry: Registry): void {
  perMissionGauges(
    registry,
    () => heldSubmissionCounts(db),
    (row) => row.missionId,
    [
      [
        'econsulat_hub_registry_submissions_over_limit',
        'Registry submissions held for a later day because their mission had used up its daily bound, since the database was created',
        (row) => row.total,
      ],
      [
        'econsulat_hub_registry_submissions_held',
        'Registry submissions waiting now for a later day because their mission had used up its daily bound',
        (row) => row.waiting,
      ],
    ],
  );
}
