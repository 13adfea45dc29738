import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import { registerRegistryImportCommand } from './registry-import.js';
import { reportErrors } from './report-errors.js';

/**
 * `econsulat registry <subcommand>`: reconciliation of persons with the national registry, from
 * files. One builder per subcommand, so that others can be added beside them.
 */
export function registerRegistryCommands(program: Command): Command {
  const registry = program.command('registry').description('match persons against the national registry');
  addMatchCommand(registry);
  addGenerateCommand(registry);
  registerRegistryImportCommand(registry);
  return registry;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return parsed;
}

async function openOutput(file: string | undefined): Promise<Writable> {
  if (!file) return process.stdout;
  const out = createWriteStream(file);
  await once(out, 'open');
  return out;
}

async function closeOutput(out: Writable): Promise<void> {
  if (out === process.stdout) return;
  out.end();
  await once(out, 'finish');
}

interface MatchOptions {
  registry: string;
  candidates: string;
  out?: string;
  strict?: boolean;
}

function addMatchCommand(registry: Command): void {
  registry
    .command('match')
    .description('decide match, new or review for each candidate; one JSON line per candidate')
    .requiredOption(
      '--registry <file>',
      'registry persons, one JSON object per line (id, givenNames, familyName, …)',
    )
    .requiredOption('--candidates <file>', 'candidates to reconcile, same line format')
    .option('--out <file>', 'write the decisions here instead of standard output')
    .option('--strict', 'stop at the first bad line instead of reporting and skipping it')
    .action((options: MatchOptions) =>
      reportErrors(async () => {
        const { matchFiles } = await import('../registry/match-files.js');
        const out = await openOutput(options.out);
        try {
          const summary = await matchFiles({
            registry: options.registry,
            candidates: options.candidates,
            out,
            strict: options.strict ?? false,
            warn: (error) => process.stderr.write(`error (${error.code}): ${error.message}\n`),
          });
          const { match, new: fresh, review } = summary.decisions;
          process.stderr.write(
            `${match + fresh + review} candidates against ${summary.registryPersons} registry persons: ` +
              `match ${match}, new ${fresh}, review ${review}; ${summary.badLines} bad line(s) skipped\n`,
          );
        } finally {
          await closeOutput(out);
        }
      }),
    );
}

interface GenerateOptions {
  outDir: string;
  registry: number;
  candidates: number;
  seed: string;
}

function addGenerateCommand(registry: Command): void {
  registry
    .command('generate')
    .description('write a labelled synthetic data set: registry.jsonl, candidates.jsonl and truth.jsonl')
    .requiredOption('--out-dir <dir>', 'directory for the three files (existing files are never replaced)')
    .option('--registry <n>', 'registry persons', positiveInteger, 100_000)
    .option('--candidates <n>', 'candidates', positiveInteger, 10_000)
    .option('--seed <seed>', 'the same seed always gives the same data', 'econsulat')
    .action((options: GenerateOptions) =>
      reportErrors(async () => {
        const { writeDataset } = await import('../registry/write-dataset.js');
        try {
          const files = await writeDataset(options.outDir, {
            registrySize: options.registry,
            candidateSize: options.candidates,
            seed: options.seed,
          });
          process.stdout.write(`wrote ${files.registry}, ${files.candidates}, ${files.truth}\n`);
        } catch (error) {
          if ((error as { code?: unknown }).code === 'EEXIST') {
            throw Object.assign(
              new Error(`${(error as { path?: string }).path} exists: choose another --out-dir`),
              {
                code: 'exists',
              },
            );
          }
          throw error;
        }
      }),
    );
}
