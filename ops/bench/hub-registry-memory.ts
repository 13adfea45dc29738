/**
 * The hub's registry reconciliation at national scale: REGISTRY persons (synthetic, labelled data
 * of ops/registry) in the hub's database (PGlite in memory), loaded into the matching index the
 * hub keeps in memory, then CANDIDATES submissions of one mission decided and their results sealed.
 * Reports the heap the index takes, the load time, and decisions per second.
 *
 *   node --expose-gc --import tsx ops/bench/hub-registry-memory.ts [registry] [candidates]
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../hub/db/database.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import { createBuiltinRegistry } from '../../hub/services/registry/builtin-registry.js';
import { isoPartialDate } from '../../hub/services/registry/legacy-register.js';
import { formatNationalId } from '../../hub/services/registry/national-id.js';
import { RegistryMemory } from '../../hub/services/registry/registry-memory.js';
import { createRegistryService } from '../../hub/services/registry/registry-service.js';
import {
  createEnrolmentRequest,
  HUB_ID,
  Identity,
  issueCertificate,
  partialDateSchema,
  ready,
} from '../../protocol/index.js';
import { generateDataset } from '../registry/dataset.js';
import type { PersonLine } from '../registry/register-views.js';

const REGISTRY = Number(process.argv[2] ?? 100_000);
const CANDIDATES = Number(process.argv[3] ?? 2_000);
const BATCH = 5_000;

async function seedRegistry(db: Database, persons: readonly PersonLine[]): Promise<void> {
  for (let at = 0; at < persons.length; at += BATCH) {
    const rows = persons.slice(at, at + BATCH).map((p, i) => ({
      ...p,
      id: randomUUID(),
      nationalId: p.nationalId ?? formatNationalId(900_000_000 + at + i),
    }));
    await db.query(
      `INSERT INTO registry_persons (id, national_id, given_names, family_name, sex, birth_date, birth_place,
         father_name, mother_name, source)
       SELECT (r->>'id')::uuid, r->>'nationalId', r->>'givenNames', r->>'familyName', r->>'sex',
              r->>'birthDate', r->>'birthPlace', r->>'fatherName', r->>'motherName', 'seed'
         FROM jsonb_array_elements($1::jsonb) AS r`,
      [JSON.stringify(rows)],
    );
  }
}

async function enrolMission(db: Database, hub: Identity, missionId: string): Promise<void> {
  const mission = Identity.generate(missionId);
  const now = Date.now();
  const request = createEnrolmentRequest(mission, missionId, new Date(now));
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
  const rows = candidates.map(({ id, sex, birthDate, ...person }) => ({
    submissionId: randomUUID(),
    recordId: id,
    person: { ...person, ...(sex ? { sex } : {}), ...wireDate(birthDate) },
  }));
  // Each checked by an agent, as a node sends a verified registration: the rules decide them.
  const check = JSON.stringify({ documentKind: 'passport', checkedAt: at });
  await db.query(
    `INSERT INTO registry_submissions (submission_id, mission_id, kind, record_id, person, submitted_at, identity_check)
     SELECT (r->>'submissionId')::uuid, 'fr-paris', 'registration', r->>'recordId', r->'person', $2::timestamptz, $3::jsonb
       FROM jsonb_array_elements($1::jsonb) AS r`,
    [JSON.stringify(rows), at, check],
  );
}

// The generator writes dates as registers do (12/07/1984, "14 février 1980"); a mission sends the
// protocol's ISO partial dates, so a date it could not read is left out, as a node would.
function wireDate(birthDate: string | undefined): { birthDate?: string } {
  if (!birthDate) return {};
  const iso = isoPartialDate(birthDate);
  return partialDateSchema.safeParse(iso).success ? { birthDate: iso } : {};
}

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

await ready();
const data = generateDataset({
  registrySize: REGISTRY,
  candidateSize: CANDIDATES,
  seed: 'hub-registry-memory',
});
const db = await openDatabase({});
const hub = Identity.generate(HUB_ID);
await seedRegistry(db, data.registry);
await enrolMission(db, hub, 'fr-paris');
await queueCandidates(db, data.candidates);
const { trust } = await loadTrustStore(db, hub.toPublic());

// The index alone: what a hub process holds for the registry, and how long its first load takes.
const before = heapMiB();
let loadStart = performance.now();
let memory: RegistryMemory | undefined = new RegistryMemory();
await memory.refresh(db, createBuiltinRegistry());
const loadSeconds = (performance.now() - loadStart) / 1000;
const held = heapMiB() - before;
memory = undefined;

let published = 0;
// One mission sends every candidate: the daily bound is lifted, the bench measures the decisions.
const service = createRegistryService({
  db,
  hub,
  trust,
  publish: () => void published++,
  submissionsPerMissionPerDay: CANDIDATES,
});
loadStart = performance.now();
const report = await service.reconcileAll(500);
const seconds = (performance.now() - loadStart) / 1000;
process.stdout.write(
  `${REGISTRY} registry persons, ${CANDIDATES} submissions: ${JSON.stringify(report)}, ${published} results sealed\n` +
    `index: ${held.toFixed(0)} MiB of heap, first load ${loadSeconds.toFixed(1)} s\n` +
    `reconciliation (index load included): ${seconds.toFixed(1)} s, ${(CANDIDATES / seconds).toFixed(0)} submissions/s\n`,
);
await db.close();
