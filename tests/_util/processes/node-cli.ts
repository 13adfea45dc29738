import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../ops/bin/econsulat.js', import.meta.url));

/** `econsulat node run` as its own process: where it listens, what it printed, how it ended. */
export interface NodeProcess {
  readonly process: ChildProcess;
  /** The node's base URL, without a trailing slash. */
  readonly url: string;
  output(): string;
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

const running = new Set<NodeProcess>();

/**
 * Starts `econsulat node run --config <file>`; resolves once it listens, rejects if it exits first.
 * `env` adds to the test process's environment.
 */
export function startNodeProcess(
  configFile: string,
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = {},
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [bin, 'node', 'run', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the node did not start:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = / listening on (http\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      const node: NodeProcess = { process: child, url: url.replace(/\/$/, ''), output: () => output, exited };
      running.add(node);
      void exited.then(() => running.delete(node));
      resolve(node);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the node exited (${code}) before it listened:\n${output}`));
    });
  });
}

/** SIGTERM, as systemd stops the service; resolves with the exit code (0 when it stopped cleanly). */
export function stopNodeProcess(node: NodeProcess): Promise<number | NodeJS.Signals | null> {
  node.process.kill('SIGTERM');
  return node.exited;
}

/** Every node process still running, killed by its own id (a failed test leaves none behind). */
export async function killLeftoverNodes(): Promise<void> {
  await Promise.all(
    [...running].map(async (node) => {
      node.process.kill('SIGKILL');
      await node.exited;
    }),
  );
}
