/**
 * Registry reconciliation at national scale: PERSONS registry persons (labelled synthetic data of
 * ops/registry, twins, triplets and namesakes included) loaded into PostgreSQL in a schema of their
 * own, CANDIDATES submissions of one mission queued, then decided by the hub's registry service in
 * a child process (candidate search in SQL, matching engine, decision and sealed result each).
 * Reports the seconds, the hub process's memory and the decisions' precision, recall and review.
 *
 *   TEST_DATABASE_URL (or DATABASE_URL)=postgres://… [REGISTRY_BENCH_PERSONS=1000000]
 *   [REGISTRY_BENCH_CANDIDATES=10000] [REGISTRY_BENCH_KEEP=1] npm run bench -- registry-scale
 *
 * REGISTRY_BENCH_SCHEMA=bench_registry_… runs again on a registry kept by an earlier run (same
 * persons and candidates): its migrations brought up to date, the earlier run's decisions undone,
 * the generator replayed without writing for the labels. At 6,000,000 persons that is minutes
 * instead of the load's forty, so a change to the search or the rules can be measured in a session.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Database } from '../../hub/db/database.js';
import { migrate } from '../../hub/db/migrate.js';
import { createPgDatabase, quoteIdentifier } from '../../hub/db/pg.js';
import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { createBuiltinRegistry } from '../../hub/services/registry/builtin-registry.js';
import { formatPartialDate, parsePartialDate } from '../../hub/services/registry/matching/index.js';
import { createEnrolmentRequest, HUB_ID, Identity, issueCertificate, ready } from '../../protocol/index.js';
import {
  type CandidateSource,
  candidateShares,
  drawCandidate,
  id,
  nextRegistryPerson,
  type TruthLine,
} from '../registry/dataset.js';
import { evaluate } from '../registry/evaluate.js';
import { type ExplainedDecision, formatCounts, outcomes } from '../registry/outcomes.js';
import { Random } from '../registry/random.js';
import { type PersonLine, registryLine } from '../registry/register-views.js';
import type { SyntheticPerson } from '../registry/synthetic-person.js';
import { REPO_ROOT } from './_child.js';

const PERSONS = Number(process.env.REGISTRY_BENCH_PERSONS ?? 1_000_000);
const CANDIDATES = Number(process.env.REGISTRY_BENCH_CANDIDATES ?? 10_000);
const REUSED = process.env.REGISTRY_BENCH_SCHEMA;
const SEED = 'bench-registry-scale';
const BATCH = 5_000;
const MISSION = 'fr-paris';
const run = promisify(execFile);
const MiB = 2 ** 20;

const personUuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const seconds = (from: number) => (performance.now() - from) / 1000;

/** Which registry persons the candidates are drawn about, decided before the registry is written. */
function planCandidates(): { roll: number; k: number }[] {
  const plan = new Random(`${SEED}:plan`);
  return Array.from({ length: CANDIDATES }, () => ({ roll: plan.next(), k: plan.int(0, PERSONS - 1) }));
}

/** The protocol's form of a person: ISO partial dates (a node sends what it could read, or none). */
function wire(line: PersonLine) {
  const { id: _id, birthDate, nationalId, ...person } = line;
  const parsed = birthDate ? parsePartialDate(birthDate) : undefined;
  return {
    ...person,
    ...(nationalId ? { nationalId } : {}),
    ...(parsed ? { birthDate: formatPartialDate(parsed) } : {}),
  };
}

async function insertPersons(db: Database, rows: readonly (PersonLine & { n: number })[]): Promise<void> {
  const json = rows.map((line) => ({
    ...wire(line),
    uuid: personUuid(line.n),
    nationalId: line.nationalId ?? `CF-B${line.n}`,
  }));
  await db.query(
    `INSERT INTO registry_persons (id, national_id, given_names, family_name, sex, birth_date, birth_place,
       father_name, mother_name, source)
     SELECT (r->>'uuid')::uuid, r->>'nationalId', r->>'givenNames', r->>'familyName', r->>'sex',
            r->>'birthDate', r->>'birthPlace', r->>'fatherName', r->>'motherName', 'seed'
       FROM jsonb_array_elements($1::jsonb) AS r`,
    [JSON.stringify(json)],
  );
}

/**
 * Streams the registry into the database, keeping only the persons the candidates are drawn about;
 * with `db` null, only generates it (the same persons, for a registry already written).
 */
async function loadRegistry(
  db: Database | null,
  wanted: ReadonlySet<number>,
): Promise<Map<number, CandidateSource>> {
  const random = new Random(`${SEED}:registry`);
  const kept = new Map<number, CandidateSource>();
  let before: SyntheticPerson | undefined;
  let rows: (PersonLine & { n: number })[] = [];
  for (let k = 0; k < PERSONS; k++) {
    const person = nextRegistryPerson(random, before);
    before = person;
    // An older register's numbers: eleven digits, never the shape of one the registry issues (nine
    // digits and a check digit), which a number issued during the run would otherwise collide with.
    const nationalId = random.chance(0.7) ? `CF${String(k + 1).padStart(11, '0')}` : undefined;
    const line = registryLine(random, person, id('R', k + 1), nationalId);
    if (wanted.has(k)) kept.set(k, { person, registryId: line.id, ...(nationalId ? { nationalId } : {}) });
    if (!db) continue;
    rows.push({ ...line, n: k + 1 });
    if (rows.length === BATCH) {
      await insertPersons(db, rows);
      rows = [];
    }
  }
  if (db && rows.length) await insertPersons(db, rows);
  return kept;
}

/**
 * Runs `load` with the blocks' entries index dropped, then builds it again from its own definition.
 * Entered row by row, the entries go into the B-tree in random key order: 48 minutes for the 31
 * million entries of 6,000,000 persons with 128 MB of shared buffers, most of it reading and
 * writing index pages. Built once at the end, as migration 028 builds it for a registry already
 * there, it is one sort.
 */
async function withoutEntriesIndex<T>(db: Database, load: () => Promise<T>): Promise<T> {
  const [index] = await db.query<{ definition: string }>(
    "SELECT pg_get_indexdef('registry_block_entries_by_key'::regclass) AS definition",
  );
  if (!index) throw new Error('registry-scale: the blocks’ entries index (migration 028) is missing');
  await db.exec('DROP INDEX registry_block_entries_by_key');
  const loaded = await load();
  await db.transaction(async (tx) => {
    // The sort of tens of millions of entries: in memory rather than in runs on disk, when it fits.
    await tx.exec("SET LOCAL maintenance_work_mem = '1GB'");
    await tx.exec(index.definition);
  });
  return loaded;
}

/**
 * A registry kept by an earlier run, made ready to decide its candidates again: the persons that
 * run recorded as new taken out (the triggers take out their entries and counts), its decisions,
 * events, links and sealed results deleted, every submission pending. Refuses a registry of another
 * size, whose labels the generator would not give back.
 */
async function undoEarlierRun(db: Database): Promise<void> {
  const [held] = await db.query<{ persons: string; candidates: string }>(
    `SELECT (SELECT count(*) FROM registry_persons WHERE source = 'seed') AS persons,
            (SELECT count(*) FROM registry_submissions) AS candidates`,
  );
  if (Number(held?.persons) !== PERSONS || Number(held?.candidates) !== CANDIDATES) {
    throw new Error(
      `registry-scale: schema ${REUSED} holds ${held?.persons} persons and ${held?.candidates} candidates, ` +
        `not ${PERSONS} and ${CANDIDATES}: set REGISTRY_BENCH_PERSONS and REGISTRY_BENCH_CANDIDATES as its run did`,
    );
  }
  await db.transaction(async (tx) => {
    await tx.exec('DELETE FROM registry_duplicates');
    await tx.exec('DELETE FROM registry_events');
    await tx.exec('DELETE FROM registry_decisions');
    await tx.exec("DELETE FROM registry_persons WHERE source = 'submission'");
    await tx.exec("UPDATE registry_submissions SET status = 'pending', decided_at = NULL");
    await tx.query('DELETE FROM outbound WHERE mission_id = $1', [MISSION]);
  });
}

async function enrolMission(db: Database, hub: Identity): Promise<void> {
  const mission = Identity.generate(MISSION);
  const now = Date.now();
  const request = createEnrolmentRequest(mission, MISSION, new Date(now));
  const certificate = issueCertificate(hub, request, {
    serial: 1,
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 365 * 86_400_000),
    issuedAt: new Date(now),
  });
  await recordEnrolment(db, hub.toPublic(), certificate);
}

async function queueCandidates(db: Database, candidates: readonly PersonLine[]): Promise<void> {
  const at = new Date().toISOString();
  // Each checked by an agent, as a node sends a verified registration: the rules decide them.
  const check = JSON.stringify({ documentKind: 'passport', checkedAt: at });
  for (let from = 0; from < candidates.length; from += BATCH) {
    const rows = candidates
      .slice(from, from + BATCH)
      .map((line) => ({ submissionId: randomUUID(), recordId: line.id, person: wire(line) }));
    await db.query(
      `INSERT INTO registry_submissions (submission_id, mission_id, kind, record_id, person, submitted_at, identity_check)
       SELECT (r->>'submissionId')::uuid, $2, 'registration', r->>'recordId', r->'person', $3::timestamptz, $4::jsonb
         FROM jsonb_array_elements($1::jsonb) AS r`,
      [JSON.stringify(rows), MISSION, at, check],
    );
  }
}

const registryLineId = (personId: string | null | undefined) =>
  personId?.startsWith('00000000-0000-4000-8000-') ? id('R', Number(personId.slice(24))) : undefined;

/** The rules' decisions, by candidate, with the registry line each match points to and why. */
async function decisions(db: Database): Promise<ExplainedDecision[]> {
  const rows = await db.query<{
    record_id: string;
    decision: ExplainedDecision['decision'];
    person_id: string | null;
    reasons: string[];
    candidates: { registryId: string }[];
  }>(
    `SELECT s.record_id, d.decision, d.person_id, d.reasons, d.candidates FROM registry_decisions d
       JOIN registry_submissions s ON s.submission_id = d.submission_id WHERE d.decided_by = 'rule'`,
  );
  return rows.map((row) => {
    const registryId = registryLineId(row.person_id);
    return {
      candidate_id: row.record_id,
      decision: row.decision,
      ...(registryId ? { registry_id: registryId } : {}),
      reasons: row.reasons,
      shown: row.candidates.flatMap((shown) => registryLineId(shown.registryId) ?? []),
    };
  });
}

interface HubRun {
  readonly seconds: number;
  readonly transactionSeconds: number;
  readonly report: Record<string, number>;
  readonly published: number;
  readonly start: { heapAfterGc: number; rss: number };
  readonly peak: { rss: number; heapUsed: number };
  readonly end: { heapAfterGc: number; rss: number };
}

async function runHub(url: string, schema: string, hub: Identity): Promise<HubRun> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'ops/bench/_registry-scale-hub.ts'],
    {
      cwd: REPO_ROOT,
      maxBuffer: 1 << 20,
      env: {
        ...process.env,
        BENCH_DATABASE_URL: url,
        BENCH_SCHEMA: schema,
        BENCH_HUB_SECRET: hub.exportSecret(),
        BENCH_CANDIDATES: String(CANDIDATES),
      },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as HubRun;
}

async function withSchema(url: string, schema: string, sql: string): Promise<void> {
  const db = createPgDatabase({ connectionString: url, max: 1 });
  try {
    await db.exec(sql.replace('%s', quoteIdentifier(schema)));
  } finally {
    await db.close();
  }
}

const SEARCH_SAMPLE = 1_000;

/** How long the candidate search alone takes, per candidate, and how many persons it returns. */
async function searchTimings(db: Database, lines: readonly PersonLine[]) {
  const registry = createBuiltinRegistry();
  const times: number[] = [];
  let found = 0;
  for (const line of lines) {
    const started = performance.now();
    const set = await registry.findCandidates(db, wire(line));
    times.push(performance.now() - started);
    found += set.found.length;
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)] ?? 0,
    p95: times[Math.floor(times.length * 0.95)] ?? 0,
    found: found / Math.max(1, lines.length),
    count: lines.length,
  };
}

export async function benchRegistryScale(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    console.log('registry-scale: skipped, it needs PostgreSQL (set TEST_DATABASE_URL or DATABASE_URL)');
    return;
  }
  await ready();
  const schema = REUSED ?? `bench_registry_${randomBytes(4).toString('hex')}`;
  if (!REUSED) await withSchema(url, schema, 'CREATE SCHEMA %s');
  const db = createPgDatabase({ connectionString: url, schema, max: 2 });
  try {
    let started = performance.now();
    await migrate(db);
    const migrateSeconds = seconds(started);
    const plan = planCandidates();
    const wanted = new Set(plan.map((pick) => pick.k));
    started = performance.now();
    const sources = REUSED
      ? await loadRegistry(null, wanted)
      : await withoutEntriesIndex(db, () => loadRegistry(db, wanted));
    const loadSeconds = seconds(started);
    const draw = new Random(`${SEED}:candidates`);
    const shares = candidateShares();
    const drawn = plan.map((pick, n) =>
      drawCandidate(draw, pick.roll, sources.get(pick.k), id('C', n + 1), shares),
    );
    const hub = Identity.generate(HUB_ID);
    if (REUSED) await undoEarlierRun(db);
    await enrolMission(db, hub);
    if (!REUSED)
      await queueCandidates(
        db,
        drawn.map((d) => d.line),
      );
    started = performance.now();
    // The entries' index answers a search alone only on pages VACUUM has marked all-visible
    // (autovacuum does it after a load; the bench does not wait for it).
    await db.exec('VACUUM ANALYZE registry_persons, registry_block_entries');
    const vacuumSeconds = seconds(started);
    const [size] = await db.query<{ table: string; indexes: string; entries: string }>(
      `SELECT pg_size_pretty(pg_table_size('registry_persons')) AS table,
              pg_size_pretty(pg_indexes_size('registry_persons')) AS indexes,
              pg_size_pretty(pg_total_relation_size('registry_block_entries')) AS entries`,
    );
    console.log(
      `registry-scale: ${PERSONS.toLocaleString('en-US')} registry persons × ${CANDIDATES.toLocaleString('en-US')} candidates, ` +
        `seed "${SEED}", PostgreSQL schema ${schema}; node ${process.version}`,
    );
    console.log(
      (REUSED
        ? `reusing the registry of an earlier run (not counted): migrations ${migrateSeconds.toFixed(0)} s, ` +
          `the generator replayed for the labels ${loadSeconds.toFixed(0)} s, the earlier decisions undone, VACUUM ANALYZE ${vacuumSeconds.toFixed(0)} s; `
        : `loading (not counted): ${loadSeconds.toFixed(0)} s to generate and insert the registry and then index its blocks' entries, VACUUM ANALYZE ${vacuumSeconds.toFixed(0)} s; `) +
        `registry_persons ${size?.table}, its indexes ${size?.indexes}, ` +
        `the blocks' entries (migration 028) ${size?.entries} with their index`,
    );
    const hubRun = await runHub(url, schema, hub);
    const search = await searchTimings(
      db,
      drawn.slice(0, SEARCH_SAMPLE).map((d) => d.line),
    );
    const truth: TruthLine[] = drawn.map((d) => d.truth);
    const decided = await decisions(db);
    const quality = evaluate(decided, truth);
    const why = outcomes(decided, truth);
    const wrong = quality.wrongMatches;
    console.log(
      `reconciliation: ${hubRun.seconds.toFixed(1)} s for ${CANDIDATES.toLocaleString('en-US')} submissions ` +
        `(${(CANDIDATES / hubRun.seconds).toFixed(0)}/s; target 6,000,000 persons × 10,000 in ≤ 60 s), ` +
        `${JSON.stringify(hubRun.report)}, ${hubRun.published} results sealed; ` +
        `${hubRun.transactionSeconds.toFixed(1)} s of it in the decisions' transactions (the searches run ahead meanwhile, ` +
        'those run again in a transaction counted in it)',
    );
    console.log(
      `hub process memory: RSS ${mib(hubRun.start.rss)} at start, peak ${mib(hubRun.peak.rss)} (target ≤ 500 MB); ` +
        `heap peak ${mib(hubRun.peak.heapUsed)}, after GC ${mib(hubRun.start.heapAfterGc)} before and ${mib(hubRun.end.heapAfterGc)} after`,
    );
    console.log(
      `candidate search alone (the SQL query, no decision), ${search.count} candidates after the run: ` +
        `median ${search.median.toFixed(1)} ms, p95 ${search.p95.toFixed(1)} ms, ${search.found.toFixed(1)} persons returned on average`,
    );
    console.log(
      `quality: precision ${quality.precision.toFixed(4)} (target ≥ 0.995), recall ${quality.recall.toFixed(4)} (≥ 0.95), ` +
        `review ${(quality.reviewRate * 100).toFixed(2)} % (≤ 10 %); wrong matches: ${wrong.homonym} homonyms, ` +
        `${wrong.sibling} siblings, ${wrong.namesake} namesakes, ${wrong.new_person} new persons, ${wrong.same_person} to another person`,
    );
    const missedCount = Object.values(why.missed).reduce((sum, n) => sum + n, 0);
    console.log(
      `same persons not matched right: ${missedCount} (the right person shown to the officer for ${why.missedButShown}): ` +
        formatCounts(why.missed),
    );
    console.log(`wrong matches by kind and birth date: ${formatCounts(why.wrong)}`);
  } finally {
    await db.close();
    if (!REUSED && process.env.REGISTRY_BENCH_KEEP !== '1')
      await withSchema(url, schema, 'DROP SCHEMA %s CASCADE');
  }
}
