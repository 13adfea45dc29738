/**
 * Decides `count` persons against the registry in a PostgreSQL schema, as the hub's reconciliation
 * does (one candidate search and the matching engine per person), and prints the heap after a full
 * garbage collection before and after, as JSON. tests/hub.registry-scale.test.ts runs it at two
 * registry sizes: a hub that holds nothing of the registry shows the same heap at both.
 *
 *   node --expose-gc --import tsx ops/registry/search-heap-probe.ts <database-url> <schema> <count>
 */
import { z } from 'zod';
import { createPgDatabase } from '../../hub/db/pg.js';
import { createBuiltinRegistry } from '../../hub/services/registry/builtin-registry.js';
import { matchInRegistry } from '../../hub/services/registry/registry-search.js';

const args = z
  .tuple([
    z.string().startsWith('postgres'),
    z.string().regex(/^[a-z0-9_]+$/),
    z.coerce.number().int().min(1),
  ])
  .parse(process.argv.slice(2));
const [url, schema, count] = args;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const db = createPgDatabase({ connectionString: url, schema, max: 1 });
const registry = createBuiltinRegistry();
// The persons searched for are the registry's own, written as a mission would (capitals, a
// dropped accent): the same work at any registry size.
const persons = await db.query<{ given_names: string; family_name: string; birth_date: string | null }>(
  'SELECT given_names, family_name, birth_date FROM registry_persons ORDER BY seq LIMIT $1',
  [count],
);
const decide = async () => {
  const decisions = { match: 0, new: 0, review: 0 };
  for (const p of persons) {
    const decided = await matchInRegistry(db, registry, {
      givenNames: p.given_names,
      familyName: p.family_name.toUpperCase(),
      ...(p.birth_date ? { birthDate: p.birth_date } : {}),
    });
    decisions[decided.decision]++;
  }
  return decisions;
};
await decide(); // warms the code paths and the pool
const before = heapAfterGc();
const started = performance.now();
const decisions = await decide();
const seconds = (performance.now() - started) / 1000;
const after = heapAfterGc();
await db.close();
process.stdout.write(
  `${JSON.stringify({ before, after, seconds, decisions, rss: process.memoryUsage().rss })}\n`,
);
