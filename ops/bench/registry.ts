import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RegistryIndex } from '../../hub/services/registry/matching/index.js';
import { type Dataset, generateDataset } from '../registry/dataset.js';
import { type DecidedLine, evaluate } from '../registry/evaluate.js';
import { writeDataset } from '../registry/write-dataset.js';
import { REPO_ROOT } from './_child.js';
import { median } from './measure.js';
import { blockingFreeCost, normalisationSeconds } from './registry-baselines.js';

const REGISTRY = 100_000;
const CANDIDATES = 10_000;
const ROUNDS = 3;
const SEED = 'bench-2026';
const run = promisify(execFile);

const seconds = (from: number) => (performance.now() - from) / 1000;
const percent = (share: number) => `${(share * 100).toFixed(2)} %`;

/** One round in this process: index the registry, then decide every candidate. */
function matchRound(dataset: Dataset) {
  const start = performance.now();
  const index = new RegistryIndex(dataset.registry);
  const indexed = performance.now();
  const decided: DecidedLine[] = dataset.candidates.map(({ id, ...candidate }) => {
    const { decision, registryId } = index.match(candidate);
    return { candidate_id: id, decision, registry_id: registryId };
  });
  return { indexSeconds: (indexed - start) / 1000, totalSeconds: seconds(start), decided };
}

/** The command an operator runs, files in and out (zod validation and JSONL included), wall time. */
async function commandLineSeconds(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-registry-'));
  try {
    const files = await writeDataset(dir, { registrySize: REGISTRY, candidateSize: CANDIDATES, seed: SEED });
    const out = join(dir, 'decisions.jsonl');
    const args = ['ops/bin/econsulat.js', 'registry', 'match', '--registry', files.registry];
    const start = performance.now();
    await run(process.execPath, [...args, '--candidates', files.candidates, '--out', out], {
      cwd: REPO_ROOT,
    });
    const elapsed = seconds(start);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').length;
    if (lines !== CANDIDATES) throw new Error(`the command wrote ${lines} decisions, not ${CANDIDATES}`);
    return elapsed;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Registry matching: quality on labelled synthetic data, and speed against the 30 s target. */
export async function benchRegistry(): Promise<void> {
  const generated = performance.now();
  const dataset = generateDataset({ registrySize: REGISTRY, candidateSize: CANDIDATES, seed: SEED });
  console.log(
    `registry: ${REGISTRY.toLocaleString('en-US')} registry persons × ${CANDIDATES.toLocaleString('en-US')} candidates, ` +
      `seed "${SEED}" (generated in ${seconds(generated).toFixed(1)} s, not counted); ${ROUNDS} rounds; node ${process.version}`,
  );
  const rounds = Array.from({ length: ROUNDS }, () => matchRound(dataset));
  const quality = evaluate(rounds[0]!.decided, dataset.truth);
  const { wrongMatches: wrong } = quality;
  console.log(
    `quality: precision of match ${quality.precision.toFixed(4)} (target ≥ 0.99), recall ${quality.recall.toFixed(4)} ` +
      `(target ≥ 0.95), review rate ${percent(quality.reviewRate)} (target ≤ 10 %); ` +
      `${quality.correctMatches} right matches of ${quality.samePersons} registry persons among the candidates, ` +
      `wrong matches: ${wrong.homonym} homonyms, ${wrong.new_person} new persons, ${wrong.same_person} to another person`,
  );
  const totals = rounds.map((r) => r.totalSeconds);
  console.log(
    `in process: median ${median(totals).toFixed(2)} s (rounds: ${totals.map((s) => s.toFixed(2)).join(', ')}; ` +
      `target ≤ 30 s), of which indexing the registry ${median(rounds.map((r) => r.indexSeconds)).toFixed(2)} s`,
  );
  console.log(
    `baseline: normalisation pass alone (all ${REGISTRY + CANDIDATES} persons) ${normalisationSeconds(dataset).toFixed(2)} s`,
  );
  const blockingFree = blockingFreeCost(dataset, 20);
  console.log(
    `baseline: without blocking (each candidate scored against all ${REGISTRY.toLocaleString('en-US')}), ` +
      `${blockingFree.perCandidateMs.toFixed(1)} ms per candidate on a sample of 20 = ` +
      `${((blockingFree.perCandidateMs * CANDIDATES) / 1000).toFixed(0)} s for all ${CANDIDATES.toLocaleString('en-US')}`,
  );
  console.log(
    `command line: econsulat registry match on JSONL files, ${(await commandLineSeconds()).toFixed(2)} s wall`,
  );
}
