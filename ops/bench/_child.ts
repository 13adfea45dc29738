import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from it so that `tsx` and the CLI resolve. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A server in a child process, listening. */
export interface ChildServer {
  readonly pid: number;
  readonly url: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` from the repository root and resolves once it prints `listening on <url>`.
 * The benchmarks measure a server alone: its own process, its own event loop, its own memory.
 */
export function startChildServer(
  args: readonly string[],
  timeoutMs = 120_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildServer> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The child's stderr is shown only when it fails: a clean stop's "SIGTERM: stopping…" is noise.
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString('utf8')).slice(-16 * 1024);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(errors);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no "listening on" within ${timeoutMs} ms`)), timeoutMs);
    let pending = '';
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    // Read every line, even after the URL: a full pipe would block the child's logger.
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const match = /listening on ((?:http|mqtt):\/\/\S+)/.exec(pending);
      if (!settled && match?.[1] && child.pid !== undefined) {
        settled = true;
        clearTimeout(timer);
        pending = '';
        resolve({ pid: child.pid, url: match[1], stop: () => stopChild(child, exited) });
      } else if (pending.length > 64 * 1024) {
        pending = pending.slice(-1024);
      }
    });
    child.once('exit', (code) => fail(new Error(`the child exited (${code}) before listening`)));
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null) child.kill('SIGTERM');
  await exited;
}

/** Resident memory of a process in bytes, from /proc/<pid>/status (Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

// Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ, fixed on x86 and arm).
const TICKS_PER_SECOND = 100;

/** utime + stime of a process from /proc/<pid>/stat (fields 14 and 15, after the command's name). */
export async function cpuSecondsOf(pid: number): Promise<number> {
  return cpuSecondsIn(await readFile(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * CPU seconds spent so far by every process of this machine named `command` (as /proc/<pid>/stat
 * gives it: `postgres` for a PostgreSQL server's backends, WAL writer and checkpointer), or undefined
 * when there is none (a server on another machine). Processes that end in between are not counted.
 */
export async function cpuSecondsOfCommand(command: string): Promise<number | undefined> {
  let total: number | undefined;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat?.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue;
    total = (total ?? 0) + cpuSecondsIn(stat);
  }
  return total;
}

/** CPU seconds this process has spent since `since` (a `process.cpuUsage()`), user and system. */
export function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function cpuSecondsIn(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
