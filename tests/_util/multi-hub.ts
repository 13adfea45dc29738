import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Database } from '../../hub/db/database.js';
import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { hubSecretsKey } from '../../hub/services/missions/hub-secrets-key.js';
import { type BootstrapResult, bootstrapUser, totpCodeAt } from '../../hub/services/users/index.js';
import { createDataKeyFile } from '../../node/crypto/key-file.js';
import { writeKeyFile } from '../../ops/keys/key-file.js';
import { clearRetainedPresence } from '../../ops/loadgen/retained-presence.js';
import { HUB_ID, Identity } from '../../protocol/index.js';
import { enrolmentBundleFor } from './enrolment.js';
import { NODE_FILES } from './processes/child-protocol.js';
import { HOLDER_PREFIX, type HubProcessChildConfig, URL_PREFIX } from './processes/hub-process-protocol.js';
import { type RunningChild, startChild } from './processes/spawn-child.js';

/** A hub identity, its data directory (keys/hub.key) and five (or n) enrolled missions' directories. */
export interface MultiHubSetup {
  readonly hub: Identity;
  readonly hubDir: string;
  readonly missions: readonly { readonly id: string; readonly dir: string }[];
}

/** Enrols `count` missions in the hub's database and writes each node's key files in `root`. */
export async function enrolMissions(db: Database, root: string, count: number): Promise<MultiHubSetup> {
  const hub = Identity.generate(HUB_ID);
  const hubDir = join(root, 'hub');
  await mkdir(join(hubDir, 'keys'), { recursive: true });
  await writeKeyFile(join(hubDir, 'keys', 'hub.key'), hub);
  const missions = [];
  for (let i = 0; i < count; i++) {
    const mission = Identity.generate(`fr-m${randomBytes(4).toString('hex')}`);
    const bundle = enrolmentBundleFor(hub, mission);
    await recordEnrolment(db, hub.toPublic(), bundle.certificate);
    const dir = join(root, mission.partyId);
    await mkdir(dir, { recursive: true });
    await createDataKeyFile(join(dir, NODE_FILES.dataKey));
    await writeKeyFile(join(dir, NODE_FILES.missionKey), mission);
    await writeFile(join(dir, NODE_FILES.enrolment), JSON.stringify(bundle));
    missions.push({ id: mission.partyId, dir });
  }
  return { hub, hubDir, missions };
}

/** A user of the directorate the hub processes can log in (its TOTP secret sealed with the hub's key). */
export function directorateUser(db: Database, hub: Identity): Promise<BootstrapResult> {
  return bootstrapUser(db, {
    username: `dir${randomBytes(3).toString('hex')}`,
    displayName: 'Direction des affaires consulaires',
    roles: ['directorate'],
    secretsKey: hubSecretsKey(hub),
    now: new Date(),
  });
}

/** A hub process started from the test, and where it listens. */
export interface HubChild {
  readonly child: RunningChild;
  readonly url: string;
  /** Its id in ingest_leases. */
  readonly holder: string;
}

/** Starts one hub process (tests/_util/processes/hub-process.ts). */
export async function startHubChild(config: HubProcessChildConfig): Promise<HubChild> {
  const child = await startChild('./hub-process.ts', config, 120_000);
  const printed = (prefix: string) => {
    const line = child
      .output()
      .split('\n')
      .find((text) => text.startsWith(prefix));
    if (!line) throw new Error(`the hub printed no ${prefix}:\n${child.output()}`);
    return line.slice(prefix.length).trim();
  };
  return { child, url: printed(URL_PREFIX), holder: printed(HOLDER_PREFIX) };
}

/** The PostgreSQL URL whose connections work in `schema` (as the test's own handle does). */
export function pgUrlInSchema(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** Logs in through the JSON API of one hub process; returns the bearer token. */
export async function logIn(baseUrl: string, user: BootstrapResult): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: user.user.username,
      password: user.password,
      totp: totpCodeAt(user.totpSecret, new Date()),
    }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** The HTTP status of GET /api/v1/missions with a bearer token at one hub process. */
export async function missionsStatus(baseUrl: string, token: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v1/missions`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Who holds which mission's ingest lease. */
export async function leaseHolders(db: Database): Promise<Map<string, string>> {
  const rows = await db.query<{ mission_id: string; holder: string }>(
    'SELECT mission_id, holder FROM ingest_leases WHERE expires_at > now()',
  );
  return new Map(rows.map((row) => [row.mission_id, row.holder]));
}

/** True once every mission is leased and no holder has more than its fair share of `processes`. */
export async function leasesBalanced(db: Database, missions: number, processes: number): Promise<boolean> {
  const holders = await leaseHolders(db);
  if (holders.size !== missions) return false;
  const perHolder = new Map<string, number>();
  for (const holder of holders.values()) perHolder.set(holder, (perHolder.get(holder) ?? 0) + 1);
  const share = Math.ceil(missions / processes);
  return perHolder.size === processes && [...perHolder.values()].every((n) => n <= share);
}

/**
 * Records the apply order of every channel: a row per advance of `channels.applied_up_to`, numbered
 * by a sequence in the applying transaction (which holds the channel's lock, so per mission the
 * numbering is the commit order). Test-only: created in the test's schema, never by a migration.
 */
export async function recordApplyOrder(db: Database): Promise<void> {
  await db.exec(`
    CREATE TABLE test_apply_log (
      id bigserial PRIMARY KEY, mission_id text NOT NULL, from_seq bigint NOT NULL, to_seq bigint NOT NULL);
    CREATE FUNCTION test_log_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.applied_up_to <> OLD.applied_up_to THEN
        INSERT INTO test_apply_log (mission_id, from_seq, to_seq)
          VALUES (NEW.mission_id, OLD.applied_up_to, NEW.applied_up_to);
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_log_apply AFTER UPDATE OF applied_up_to ON channels
      FOR EACH ROW EXECUTE FUNCTION test_log_apply();`);
}

/** The advances of one mission's channel, in apply order. */
export async function applyOrder(db: Database, missionId: string): Promise<{ from: number; to: number }[]> {
  const rows = await db.query<{ from_seq: number; to_seq: number }>(
    'SELECT from_seq, to_seq FROM test_apply_log WHERE mission_id = $1 ORDER BY id',
    [missionId],
  );
  return rows.map((row) => ({ from: Number(row.from_seq), to: Number(row.to_seq) }));
}

/** What the hub holds of one mission's events: replica rows, distinct ids, and the rollup's count. */
export async function appliedEffects(db: Database, missionId: string) {
  const [row] = await db.query<{ rows: number; distinct_ids: number; rolled_up: number }>(
    `SELECT (SELECT count(*) FROM mission_events WHERE mission_id = $1) AS rows,
            (SELECT count(DISTINCT event_id) FROM mission_events WHERE mission_id = $1) AS distinct_ids,
            (SELECT coalesce(sum(events), 0) FROM dashboard_counts WHERE mission_id = $1 AND grain = 'd')
              AS rolled_up`,
    [missionId],
  );
  return {
    rows: Number(row?.rows),
    distinctIds: Number(row?.distinct_ids),
    rolledUp: Number(row?.rolled_up),
  };
}

/** Every event the hub applied, all missions together. */
export async function appliedEventCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM mission_events');
  return Number(row?.n ?? 0);
}

/** The count of one outcome in a /metrics text (econsulat_hub_envelopes_total). */
export function envelopeOutcome(metrics: string, outcome: string): number {
  const line = metrics
    .split('\n')
    .find((text) => text.startsWith(`econsulat_hub_envelopes_total{outcome="${outcome}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** The value of a metric without labels in a /metrics text (0 when absent). */
export function metricValue(metrics: string, name: string): number {
  const line = metrics.split('\n').find((text) => text.startsWith(`${name} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * Removes the broker's persistent sessions and the retained presence the missions leave behind on
 * a shared Mosquitto (the client ids are the missions' ids).
 */
export async function forgetSessions(url: string, clientIds: readonly string[]): Promise<void> {
  for (const clientId of clientIds) {
    const client = await mqtt.connectAsync(url, {
      clientId,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await client.endAsync();
  }
  await clearRetainedPresence(url, clientIds);
}
