import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../../ops/bin/econsulat.js', import.meta.url));
const run = promisify(execFile);

/**
 * Runs one `econsulat <args>` to its end, as an operator types it: resolves with what it printed
 * on stdout; rejects with everything it printed when it exits other than 0.
 */
export async function econsulat(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [bin, ...args], { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`econsulat ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}
