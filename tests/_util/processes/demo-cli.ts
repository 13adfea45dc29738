import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../ops/bin/econsulat.js', import.meta.url));

/** What `econsulat demo` prints last once everything listens. */
export const DEMO_READY_LINE = 'Ctrl-C stops everything';

/** `econsulat demo` as its own process: what it printed, and how it ended. */
export interface DemoProcess {
  readonly process: ChildProcess;
  output(): string;
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

const running = new Set<DemoProcess>();

/** Starts `econsulat demo --dir <dir> --port-base <port>`, without waiting for anything. */
export function spawnDemo(dir: string, portBase: number): DemoProcess {
  const child = spawn(process.execPath, [bin, 'demo', '--dir', dir, '--port-base', String(portBase)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const demo: DemoProcess = { process: child, output: () => output, exited };
  running.add(demo);
  void exited.then(() => running.delete(demo));
  return demo;
}

/** Every demo process still running, killed by its own id (a failed test leaves none behind). */
export async function killLeftoverDemos(): Promise<void> {
  await Promise.all(
    [...running].map(async (demo) => {
      demo.process.kill('SIGKILL');
      await demo.exited;
    }),
  );
}
