/** `econsulat registry generate`: a labelled data set written as three JSONL files, never over others. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DatasetOptions, generateDataset } from './dataset.js';
import { writeJsonLine } from './jsonl.js';

export interface WrittenDataset {
  readonly registry: string;
  readonly candidates: string;
  readonly truth: string;
}

async function writeLines(file: string, lines: readonly unknown[]): Promise<void> {
  // 'wx': an existing file is an operator's data, not ours to replace.
  const out = createWriteStream(file, { flags: 'wx' });
  await once(out, 'open');
  for (const line of lines) await writeJsonLine(out, line);
  out.end();
  await once(out, 'finish');
}

export async function writeDataset(dir: string, options: DatasetOptions): Promise<WrittenDataset> {
  await mkdir(dir, { recursive: true });
  const dataset = generateDataset(options);
  const files = {
    registry: join(dir, 'registry.jsonl'),
    candidates: join(dir, 'candidates.jsonl'),
    truth: join(dir, 'truth.jsonl'),
  };
  await writeLines(files.registry, dataset.registry);
  await writeLines(files.candidates, dataset.candidates);
  await writeLines(files.truth, dataset.truth);
  return files;
}
