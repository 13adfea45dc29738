import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../../hub/db/database.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { quoteIdentifier } from '../../hub/db/pg.js';
import { HUB_ID, Identity, ready } from '../../protocol/index.js';
import { sleep } from '../bench/_child.js';
import { startHubProcesses } from './hub-processes.js';
import { clearRetainedPresence } from './retained-presence.js';
import { enrolSimulatedMission, type SimulatedMission } from './simulated-mission.js';
import { EVENTS_PER_DAY, WORKING_DAY_SECONDS } from './traffic.js';

/** What one load run simulates, and against what. */
export interface LoadgenOptions {
  readonly missions: number;
  readonly processes: number;
  /** How long the traffic runs; the backlog is then drained. */
  readonly seconds: number;
  /** Times a large consulate's working-day traffic (traffic.ts) each mission sends. */
  readonly scale: number;
  /**
   * Events each mission holds before its link starts, as after an outage: the hub's catch-up is
   * timed before the traffic begins. 0 for none.
   */
  readonly backlog?: number;
  /** A PostgreSQL server where the run creates, then drops, a database of its own. */
  readonly databaseUrl: string;
  /** An external broker with shared subscriptions (Mosquitto). */
  readonly brokerUrl: string;
  readonly log?: (line: string) => void;
}

/** What one load run measured. */
export interface LoadgenReport {
  readonly missions: number;
  readonly processes: number;
  readonly seconds: number;
  readonly scale: number;
  /** Events per second the missions sent, all together. */
  readonly offeredPerSecond: number;
  readonly sent: number;
  /** Events at the hub, and as the dashboards counted them (an event applied twice counts twice). */
  readonly applied: number;
  readonly counted: number;
  /** Seconds from the links' start until the hub held every mission's backlog (0 without one). */
  readonly catchUpSeconds: number;
  /** Seconds from an event's creation at its mission to its commit at the hub (traffic only). */
  readonly lag: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Seconds from the end of the traffic until every mission's outbox was acknowledged. */
  readonly drainSeconds: number;
  /** CPU seconds each hub process spent during the catch-up, if any. */
  readonly catchUpCpuSeconds: readonly number[];
  /** CPU seconds each hub process spent during the traffic (the first runs every role). */
  readonly cpuSeconds: readonly number[];
  /** Hub CPU per event of the traffic, all processes together, in milliseconds. */
  readonly cpuMsPerEvent: number;
}

const TICK_MS = 250;
const DRAIN_TIMEOUT_MS = 300_000;

/**
 * Simulates `missions` missions (real node stores and links over the real broker) sending a
 * large consulate's traffic times `scale` to `processes` hub processes over one PostgreSQL
 * database, and reports the ingest lag, the hub CPU spent per event, and whether anything was
 * lost or applied twice. Run in a database of its own, dropped at the end.
 */
export async function runLoadgen(options: LoadgenOptions): Promise<LoadgenReport> {
  const log = options.log ?? (() => undefined);
  await ready();
  const run = await createRunDatabase(options.databaseUrl);
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-loadgen-'));
  const missions: (SimulatedMission & { start(): void })[] = [];
  let hubs: Awaited<ReturnType<typeof startHubProcesses>> | undefined;
  const db = await openDatabase({ databaseUrl: run.url });
  try {
    const hub = Identity.generate(HUB_ID);
    const tag = randomBytes(3).toString('hex');
    log(`enrolling ${options.missions} missions`);
    for (let i = 0; i < options.missions; i++) {
      const missionId = `lg-${tag}-${String(i + 1).padStart(3, '0')}`;
      missions.push(await enrolSimulatedMission({ db, hub, missionId, dir, brokerUrl: options.brokerUrl }));
    }
    log(`starting ${options.processes} hub process(es)`);
    hubs = await startHubProcesses({
      count: options.processes,
      dir,
      hub,
      databaseUrl: run.url,
      brokerUrl: options.brokerUrl,
    });
    const backlog = options.backlog ?? 0;
    for (const mission of missions) mission.writeBacklog(backlog);
    const cpuAtStart = await hubs.cpuSeconds();
    const linksStarted = Date.now();
    for (const mission of missions) mission.start();
    if (backlog > 0) log(`catch-up: ${backlog * options.missions} events held by the missions`);
    await drained(missions);
    const catchUpSeconds = backlog > 0 ? (Date.now() - linksStarted) / 1000 : 0;
    // The hub processes share the missions out before the traffic starts: a hand-off in the
    // middle of it would be measured as lag.
    await sharedOut(db, options.missions, options.processes);
    const cpuBefore = await hubs.cpuSeconds();
    const catchUpCpuSeconds = backlog > 0 ? cpuBefore.map((after, i) => after - (cpuAtStart[i] ?? 0)) : [];
    const perSecond = (options.scale * EVENTS_PER_DAY) / WORKING_DAY_SECONDS;
    log(`traffic: ${(perSecond * options.missions).toFixed(1)} events/s for ${options.seconds} s`);
    const started = Date.now();
    const trafficFrom = new Date(started).toISOString();
    let elapsed = 0;
    while (elapsed < options.seconds) {
      for (const mission of missions) mission.writeDue(elapsed, perSecond);
      await sleep(TICK_MS);
      elapsed = (Date.now() - started) / 1000;
    }
    const trafficEnded = Date.now();
    await drained(missions);
    const drainSeconds = (Date.now() - trafficEnded) / 1000;
    const cpuAfter = await hubs.cpuSeconds();
    const cpuSeconds = cpuAfter.map((after, i) => after - (cpuBefore[i] ?? 0));
    const sent = missions.reduce((sum, mission) => sum + mission.written, 0);
    const ids = missions.map((mission) => mission.id);
    const [lag] = await db.query<{ p50: number; p99: number; max: number; applied: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - at)) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - at)) AS p99,
              max(extract(epoch FROM received_at - at)) AS max, count(*) AS applied
         FROM mission_events WHERE mission_id = ANY($1::text[]) AND at >= $2`,
      [`{${ids.join(',')}}`, trafficFrom],
    );
    const [all] = await db.query<{ n: number }>(
      'SELECT count(*) AS n FROM mission_events WHERE mission_id = ANY($1::text[])',
      [`{${ids.join(',')}}`],
    );
    const [counts] = await db.query<{ n: number | null }>(
      `SELECT sum(events) AS n FROM dashboard_counts WHERE grain = 'd' AND mission_id = ANY($1::text[])`,
      [`{${ids.join(',')}}`],
    );
    const applied = Number(all?.n ?? 0);
    const trafficApplied = Number(lag?.applied ?? 0);
    const totalCpu = cpuSeconds.reduce((sum, seconds) => sum + seconds, 0);
    return {
      missions: options.missions,
      processes: options.processes,
      seconds: options.seconds,
      scale: options.scale,
      offeredPerSecond: perSecond * options.missions,
      sent,
      applied,
      counted: Number(counts?.n ?? 0),
      catchUpSeconds,
      catchUpCpuSeconds,
      lag: { p50: Number(lag?.p50 ?? 0), p99: Number(lag?.p99 ?? 0), max: Number(lag?.max ?? 0) },
      drainSeconds,
      cpuSeconds,
      cpuMsPerEvent: trafficApplied > 0 ? (totalCpu * 1000) / trafficApplied : 0,
    };
  } finally {
    await Promise.all(missions.map((mission) => mission.stop().catch(() => undefined)));
    await clearRetainedPresence(
      options.brokerUrl,
      missions.map((mission) => mission.id),
    ).catch(() => undefined);
    await hubs?.stop();
    await db.close();
    await run.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits until each hub process holds its share of the missions' leases (hub migration 026). */
async function sharedOut(db: Database, missions: number, processes: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const holders = await db.query<{ n: number }>(
      'SELECT count(*) AS n FROM ingest_leases WHERE expires_at > now() GROUP BY holder',
    );
    const counts = holders.map((row) => Number(row.n));
    const held = counts.reduce((sum, n) => sum + n, 0);
    if (held === missions && counts.length === processes && Math.max(...counts) - Math.min(...counts) <= 1)
      return;
    if (Date.now() > deadline)
      throw new Error(`the hub processes did not share the missions out: ${counts.join(', ')}`);
    await sleep(500);
  }
}

/** Waits until every mission's outbox is acknowledged by the hub. */
async function drained(missions: readonly SimulatedMission[]): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (missions.some((mission) => mission.outboxBacklog() > 0)) {
    if (Date.now() > deadline) throw new Error('the hub did not take every event within 5 minutes');
    await sleep(100);
  }
}

/** A database of the run's own on the server of `adminUrl`, and how to drop it. */
async function createRunDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `econsulat_loadgen_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${quoteIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  };
}
