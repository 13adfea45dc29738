import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../../ops/bin/econsulat.js', import.meta.url));
const run = promisify(execFile);

/** How a command ended: its exit code and what it printed. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `econsulat <args>` to its end, whatever its exit code; `env` adds to the process's own. */
export async function runEconsulat(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      timeout: 120_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Runs one `econsulat <args>` to its end, as an operator types it: resolves with what it printed
 * on stdout; rejects with everything it printed when it exits other than 0.
 */
export async function econsulat(...args: string[]): Promise<string> {
  const result = await runEconsulat(args);
  if (result.code !== 0) {
    throw new Error(`econsulat ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}
