/** Streaming JSONL: each line read, parsed and validated on its own, with its number for errors. */

import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { z } from 'zod';

export type LineResult<T> =
  | { readonly ok: true; readonly line: number; readonly value: T }
  | {
      readonly ok: false;
      readonly line: number;
      readonly code: 'invalid_json' | 'invalid_line';
      readonly message: string;
    };

/** The zod issues of one line in a single readable message: `field: problem; field: problem`. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`).join('; ');
}

/** Reads `file` line by line (blank lines skipped), yielding each line's value or what is wrong with it. */
export async function* readJsonLines<S extends z.ZodType>(
  file: string,
  schema: S,
): AsyncGenerator<LineResult<z.output<S>>> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      yield { ok: false, line, code: 'invalid_json', message: (error as Error).message };
      continue;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) yield { ok: true, line, value: parsed.data };
    else yield { ok: false, line, code: 'invalid_line', message: describeIssues(parsed.error) };
  }
}

/** Writes one JSON line, waiting when the stream asks for it (a slow disk or a closed pipe). */
export async function writeJsonLine(out: Writable, value: unknown): Promise<void> {
  if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
}
