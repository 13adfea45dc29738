import type { Database } from '../db/database.js';

// Every time below is the database's clock (now()): processes on several machines never compare
// their own clocks. Mission lists travel as JSON text (the driver's parameters are scalars).

/** What one renewal round found. */
export interface LeaseRound {
  /** The missions this process holds after the round (renewed and newly claimed). */
  readonly held: readonly string[];
  /** Claimed in this round: subscribe and greet them. */
  readonly claimed: readonly string[];
  /** The earliest start among the live hub processes (for the hello rule of publishDown). */
  readonly fleetStartedAt: Date;
}

/** Says this process is alive, with its roles, for `ttlSeconds`. */
export async function announceProcess(
  db: Database,
  holder: string,
  roles: readonly string[],
  ttlSeconds: number,
): Promise<void> {
  await db.query(
    `INSERT INTO hub_processes (holder, roles, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (holder) DO UPDATE SET roles = EXCLUDED.roles, expires_at = EXCLUDED.expires_at`,
    [holder, roles.join(','), ttlSeconds],
  );
}

/** Renews every lease the process still holds; returns those missions (a lease taken over is gone). */
export async function renewLeases(db: Database, holder: string, ttlSeconds: number): Promise<string[]> {
  // A revoked mission sends nothing the hub takes: its lease is let go.
  await db.query(
    `DELETE FROM ingest_leases l USING missions m
      WHERE l.mission_id = m.id AND l.holder = $1 AND m.revoked_at IS NOT NULL`,
    [holder],
  );
  const rows = await db.query<{ mission_id: string }>(
    `UPDATE ingest_leases SET expires_at = now() + make_interval(secs => $2)
      WHERE holder = $1 RETURNING mission_id`,
    [holder, ttlSeconds],
  );
  return rows.map((row) => row.mission_id);
}

/** This process's fair share: the missions over the live ingest processes, rounded up. */
export async function fairShare(db: Database): Promise<{ share: number; fleetStartedAt: Date }> {
  const [row] = await db.query<{ missions: number; processes: number; started: Date | null }>(
    `SELECT (SELECT count(*) FROM missions WHERE revoked_at IS NULL) AS missions,
            (SELECT count(*) FROM hub_processes
              WHERE expires_at > now() AND ',' || roles || ',' LIKE '%,ingest,%') AS processes,
            (SELECT min(started_at) FROM hub_processes WHERE expires_at > now()) AS started`,
  );
  const missions = Number(row?.missions ?? 0);
  const processes = Math.max(1, Number(row?.processes ?? 1));
  const fleetStartedAt = row?.started ? new Date(row.started) : new Date();
  return { share: Math.ceil(missions / processes), fleetStartedAt };
}

/**
 * Claims up to `count` missions nobody holds, or whose holder stopped renewing. The conditional
 * upsert takes a row only if it is still free when its lock is granted, so two processes claiming
 * at once never both get it.
 */
export async function claimLeases(
  db: Database,
  holder: string,
  count: number,
  ttlSeconds: number,
): Promise<string[]> {
  if (count <= 0) return [];
  const rows = await db.query<{ mission_id: string }>(
    `INSERT INTO ingest_leases (mission_id, holder, expires_at)
     SELECT m.id, $1, now() + make_interval(secs => $3)
       FROM missions m LEFT JOIN ingest_leases l ON l.mission_id = m.id
      WHERE m.revoked_at IS NULL AND (l.mission_id IS NULL OR l.expires_at < now())
      ORDER BY random() LIMIT $2
     ON CONFLICT (mission_id) DO UPDATE
        SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, acquired_at = now()
      WHERE ingest_leases.expires_at < now()
     RETURNING mission_id`,
    [holder, count, ttlSeconds],
  );
  return rows.map((row) => row.mission_id);
}

/** Gives missions back (more than the fair share, or the process stops). */
export async function releaseLeases(
  db: Database,
  holder: string,
  missionIds: readonly string[],
): Promise<void> {
  if (missionIds.length === 0) return;
  await db.query(
    `DELETE FROM ingest_leases
      WHERE holder = $1 AND mission_id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
    [holder, JSON.stringify(missionIds)],
  );
}

/** Forgets the process (a clean stop): its share goes to the others at their next round. */
export async function retireProcess(db: Database, holder: string): Promise<void> {
  await db.query('DELETE FROM ingest_leases WHERE holder = $1', [holder]);
  await db.query('DELETE FROM hub_processes WHERE holder = $1', [holder]);
  // Rows of processes dead for a day tell nothing any more.
  await db.query(`DELETE FROM hub_processes WHERE expires_at < now() - interval '1 day'`);
}
