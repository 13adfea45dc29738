import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../ops/bin/econsulat.js', import.meta.url));

/** `econsulat hub run` as its own process: what it printed, and how it ended. */
export interface HubProcess {
  readonly process: ChildProcess;
  output(): string;
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

const running = new Set<HubProcess>();

/** Starts `econsulat hub run --config <file>`; resolves once it listens, rejects if it exits first. */
export function startHubProcess(configFile: string, timeoutMs = 90_000): Promise<HubProcess> {
  const child = spawn(process.execPath, [bin, 'hub', 'run', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const hub: HubProcess = { process: child, output: () => output, exited };
  running.add(hub);
  void exited.then(() => running.delete(hub));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('hub listening on')) {
        clearTimeout(timer);
        resolve(hub);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited (${code}) before it listened:\n${output}`));
    });
  });
}

/** Every hub process still running, killed by its own id (a failed test leaves none behind). */
export async function killLeftoverHubs(): Promise<void> {
  await Promise.all(
    [...running].map(async (hub) => {
      hub.process.kill('SIGKILL');
      await hub.exited;
    }),
  );
}
