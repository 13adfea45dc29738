import type { STATS_SNAPSHOT } from '../../../protocol/index.js';
import type { Handler } from './handler.js';

/** stats.snapshot → the mission's counters at a time, for its status page. */
export const handleStatsSnapshot: Handler<typeof STATS_SNAPSHOT> = async (tx, body, { missionId }) => {
  await tx.query(
    `INSERT INTO mission_stats (mission_id, at, counters) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (mission_id, at) DO NOTHING`,
    [missionId, body.at, JSON.stringify(body.counters)],
  );
  return undefined;
};
