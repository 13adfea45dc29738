import { type ChildProcess, execFile, type StdioOptions, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { ServerUser } from './server-user.js';

const runFile = promisify(execFile);

/** util-linux's setpriv, which gives a program a parent-death signal (used when present). */
export const SETPRIV = '/usr/bin/setpriv';

/** The environment the server's programs get: no secret of the hub's passes through. */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
}

/** How a program is started as the server user (or as the hub's own user when absent). */
function as(user: ServerUser | undefined) {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

/**
 * Runs a program to its end as the server user; rejects with its output when it fails. Given a
 * death signal and `setpriv`, the program dies with the hub: an initdb left running after a kill
 * would go on writing into the directory the next start makes anew.
 */
export async function runAs(
  user: ServerUser | undefined,
  file: string,
  args: readonly string[],
  options: { deathSignal?: NodeJS.Signals; setpriv?: string } = {},
) {
  const [command, argv] =
    options.deathSignal && options.setpriv
      ? [options.setpriv, ['--pdeathsig', options.deathSignal, '--', file, ...args]]
      : [file, [...args]];
  return runFile(command, argv, { ...as(user), env: serverEnv(), maxBuffer: 4 * 1024 * 1024 });
}

/**
 * Starts a long-running program as the server user. With `setpriv` (util-linux) it also gets a
 * parent-death signal: killed with the hub, even by kill -9, so no orphan server outlives it and
 * holds the data directory. The signal is set after the change of user (which would clear it).
 */
export function spawnAs(
  user: ServerUser | undefined,
  file: string,
  args: readonly string[],
  options: { stdio: StdioOptions; deathSignal?: NodeJS.Signals; setpriv?: string },
): ChildProcess {
  const [command, argv] =
    options.deathSignal && options.setpriv
      ? [options.setpriv, ['--pdeathsig', options.deathSignal, '--', file, ...args]]
      : [file, [...args]];
  // A session of its own: a Ctrl-C at the terminal reaches the hub alone, which stops the server
  // after its own last queries.
  return spawn(command, argv, { ...as(user), env: serverEnv(), stdio: options.stdio, detached: true });
}
