import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { READY_LINE } from './child-protocol.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A child process running one of the entry scripts beside this file. */
export interface RunningChild {
  readonly process: ChildProcess;
  /** Everything it printed, for the failure message. */
  output(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/** Every child started and not yet seen to exit: afterEach kills what is left. */
const running = new Set<RunningChild>();

/**
 * Starts `node --import tsx <script> <json config>` from the repository root and resolves once it
 * prints the ready line; rejects with its output if it exits first.
 */
export function startChild(script: string, config: object, timeoutMs = 60_000): Promise<RunningChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), JSON.stringify(config)],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const handle: RunningChild = { process: child, output: () => output, exited };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not get ready:\n${output}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.split('\n').includes(READY_LINE)) {
        clearTimeout(timer);
        resolve(handle);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** kill -9, and wait until the process is gone. */
export async function killHard(child: RunningChild): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

/** SIGTERM, and the exit code (0 when it stopped cleanly). */
export async function stopChild(child: RunningChild): Promise<number | NodeJS.Signals | null> {
  child.process.kill('SIGTERM');
  return child.exited;
}

/** Kills, by their own process ids, every child still running. */
export async function killLeftoverChildren(): Promise<void> {
  await Promise.all([...running].map((child) => killHard(child)));
}
