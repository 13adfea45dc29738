import { execFile } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeTempDir } from './_util/node-store.js';

const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line; resolves with its exit code and output, whatever the code. */
function econsulat(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const decisionLine = z.strictObject({
  candidate_id: z.string(),
  decision: z.enum(['match', 'new', 'review']),
  registry_id: z.string().optional(),
  score: z.number().min(0).max(1),
  reasons: z.array(z.string().min(1).max(200)).min(1).max(20),
});

const readLines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A small labelled data set written by `econsulat registry generate`. */
async function generated(seed = 'cli') {
  const temp = await makeTempDir('econsulat-registry-');
  cleanups.push(temp.cleanup);
  const dir = join(temp.dir, 'data');
  const run = await econsulat(
    'registry',
    'generate',
    '--out-dir',
    dir,
    '--registry',
    '300',
    '--candidates',
    '40',
    '--seed',
    seed,
  );
  expect(run, run.stderr).toMatchObject({ code: 0 });
  return {
    root: temp.dir,
    registry: join(dir, 'registry.jsonl'),
    candidates: join(dir, 'candidates.jsonl'),
    truth: join(dir, 'truth.jsonl'),
  };
}

describe('econsulat registry generate / match', () => {
  it('writes one well-formed decision per candidate, in order, matching the labelled truth', async () => {
    const files = await generated();
    const out = join(files.root, 'decisions.jsonl');
    const run = await econsulat(
      'registry',
      'match',
      '--registry',
      files.registry,
      '--candidates',
      files.candidates,
      '--out',
      out,
    );
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stderr).toContain('40 candidates against 300 registry persons');
    const decisions = (await readLines(out)).map((line) => decisionLine.parse(line));
    const candidates = (await readLines(files.candidates)) as { id: string }[];
    expect(decisions.map((d) => d.candidate_id)).toEqual(candidates.map((c) => c.id));
    const truth = new Map(
      ((await readLines(files.truth)) as { candidate_id: string; registry_id: string | null }[]).map((t) => [
        t.candidate_id,
        t.registry_id,
      ]),
    );
    for (const decision of decisions) {
      expect(decision.registry_id !== undefined, decision.candidate_id).toBe(decision.decision === 'match');
      if (decision.decision === 'match') expect(decision.registry_id).toBe(truth.get(decision.candidate_id));
    }
    expect(decisions.filter((d) => d.decision === 'match').length).toBeGreaterThan(10);
  }, 60_000);

  it('reports bad lines with their number, skips them and goes on; --strict stops', async () => {
    const files = await generated();
    await appendFile(
      files.candidates,
      '{"id":"C-bad","givenNames":"Marie","birthDate":"31/02/1990"}\nnot json\n\n',
    );
    await appendFile(files.registry, `${(await readFile(files.registry, 'utf8')).split('\n')[0]}\n`);
    const run = await econsulat(
      'registry',
      'match',
      '--registry',
      files.registry,
      '--candidates',
      files.candidates,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`error (duplicate_id): ${files.registry} line 301: id R0000001 seen before`);
    expect(run.stderr).toContain(`error (invalid_line): ${files.candidates} line 41: familyName:`);
    expect(run.stderr).toContain('birthDate: not a date');
    expect(run.stderr).toContain(`error (invalid_json): ${files.candidates} line 42:`);
    expect(run.stderr).toContain('3 bad line(s) skipped');
    expect(run.stdout.trim().split('\n')).toHaveLength(40);

    const strict = await econsulat(
      'registry',
      'match',
      '--registry',
      files.registry,
      '--candidates',
      files.candidates,
      '--strict',
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`error (duplicate_id): ${files.registry} line 301`);
  }, 60_000);

  it('reads the date formats of registers and matches across them', async () => {
    const temp = await makeTempDir('econsulat-registry-');
    cleanups.push(temp.cleanup);
    const registry = join(temp.dir, 'r.jsonl');
    const candidates = join(temp.dir, 'c.jsonl');
    await writeFile(
      registry,
      `${JSON.stringify({ id: 'R1', givenNames: 'Léonie', familyName: 'Ngakola', birthDate: '1984-07-12', birthPlace: null })}\n`,
    );
    await writeFile(
      candidates,
      `${JSON.stringify({ id: 'C1', givenNames: 'LEONIE', familyName: 'NGAKOLA', birthDate: '12/07/1984' })}\n`,
    );
    const run = await econsulat('registry', 'match', '--registry', registry, '--candidates', candidates);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(run.stdout)).toMatchObject({
      candidate_id: 'C1',
      decision: 'match',
      registry_id: 'R1',
    });
  }, 60_000);

  it('generates the same data from the same seed and never replaces existing files', async () => {
    const first = await generated('same');
    const second = await generated('same');
    expect(await readFile(second.candidates, 'utf8')).toBe(await readFile(first.candidates, 'utf8'));
    expect(await readFile(second.truth, 'utf8')).toBe(await readFile(first.truth, 'utf8'));
    const again = await econsulat('registry', 'generate', '--out-dir', join(first.root, 'data'));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error (exists):');
  }, 60_000);
});
