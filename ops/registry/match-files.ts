/**
 * `econsulat registry match`: a registry file and a candidates file (JSONL) in, one decision per
 * candidate out (JSONL, in the candidates' order). A bad line is reported and skipped — or, with
 * `strict`, stops the run.
 */
import type { Writable } from 'node:stream';
import { CodedError } from '../../common/errors/coded-error.js';
import { RegistryIndex } from '../../hub/services/registry/matching/index.js';
import { type LineResult, readJsonLines, writeJsonLine } from './jsonl.js';
import { personLineSchema, type ValidPersonLine } from './person-line.js';

/** A refusal with a stable code, printed as `error (code): message`. */
export class RegistryFileError extends CodedError<'invalid_json' | 'invalid_line' | 'duplicate_id'> {
  override readonly name = 'RegistryFileError';
}

export interface MatchFilesOptions {
  readonly registry: string;
  readonly candidates: string;
  readonly out: Writable;
  readonly strict: boolean;
  /** Where bad lines are reported (stderr for the command). */
  readonly warn: (error: RegistryFileError) => void;
}

export interface MatchSummary {
  readonly registryPersons: number;
  readonly decisions: { match: number; new: number; review: number };
  readonly badLines: number;
}

/** Valid lines of one file; the bad ones reported (or thrown, when strict). */
async function* validLines(file: string, options: MatchFilesOptions, bad: { count: number }) {
  for await (const result of readJsonLines(file, personLineSchema) as AsyncGenerator<
    LineResult<ValidPersonLine>
  >) {
    if (result.ok) {
      yield result;
      continue;
    }
    const error = new RegistryFileError(result.code, `${file} line ${result.line}: ${result.message}`);
    if (options.strict) throw error;
    bad.count++;
    options.warn(error);
  }
}

async function loadRegistry(options: MatchFilesOptions, bad: { count: number }): Promise<RegistryIndex> {
  const index = new RegistryIndex();
  const seen = new Set<string>();
  for await (const { line, value } of validLines(options.registry, options, bad)) {
    if (seen.has(value.id)) {
      const error = new RegistryFileError(
        'duplicate_id',
        `${options.registry} line ${line}: id ${value.id} seen before`,
      );
      if (options.strict) throw error;
      bad.count++;
      options.warn(error);
      continue;
    }
    seen.add(value.id);
    index.add(value);
  }
  return index;
}

export async function matchFiles(options: MatchFilesOptions): Promise<MatchSummary> {
  const bad = { count: 0 };
  const index = await loadRegistry(options, bad);
  const decisions = { match: 0, new: 0, review: 0 };
  for await (const { value } of validLines(options.candidates, options, bad)) {
    const { id, ...candidate } = value;
    const decided = index.match(candidate);
    decisions[decided.decision]++;
    await writeJsonLine(options.out, {
      candidate_id: id,
      decision: decided.decision,
      ...(decided.decision === 'match' ? { registry_id: decided.registryId } : {}),
      score: decided.score,
      reasons: decided.reasons,
    });
  }
  return { registryPersons: index.size, decisions, badLines: bad.count };
}
