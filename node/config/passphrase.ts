import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { readHiddenLine } from '../../common/tty/hidden-line.js';
import { CryptoError, CryptoErrorCode } from '../crypto/errors.js';

/** Names a file holding the passphrase (a USB stick, a fifo fed by an operator): never the passphrase itself. */
export const PASSPHRASE_FILE_ENV = 'ECONSULAT_DATA_KEY_PASSPHRASE_FILE';

/**
 * Names the file holding a new passphrase when one is being set (`node data-key protect`) by a
 * script: the old one may come from PASSPHRASE_FILE_ENV at the same time.
 */
export const NEW_PASSPHRASE_FILE_ENV = 'ECONSULAT_NEW_DATA_KEY_PASSPHRASE_FILE';

/** Where a passphrase can come from; the process's own by default, replaced in tests. */
export interface PassphraseSources {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: NodeJS.ReadStream;
  readonly output?: NodeJS.WriteStream;
}

/**
 * Asks for the data key's passphrase, from the first source that exists: the file named by
 * ECONSULAT_DATA_KEY_PASSPHRASE_FILE (or the first of the variables given that is set); the terminal, without echo; under systemd, its password agent
 * (`systemd-ask-password`, answered on the console or with `systemd-tty-ask-password-agent`). An
 * environment variable holding the passphrase itself is not offered: it would sit readable in
 * /proc for the process's whole life.
 */
export async function askPassphrase(
  prompt: string,
  options: {
    readonly confirm?: boolean;
    readonly fileVariables?: readonly string[];
  } & PassphraseSources = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const file = (options.fileVariables ?? [PASSPHRASE_FILE_ENV]).map((name) => env[name]).find(Boolean);
  if (file) return readPassphraseFile(file);
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  if (input.isTTY) {
    const first = await readHiddenLine(input, output, `${prompt}: `);
    if (options.confirm && (await readHiddenLine(input, output, 'Again / Encore: ')) !== first) {
      throw new CryptoError(CryptoErrorCode.WrongPassphrase, 'the two passphrases differ');
    }
    return first;
  }
  if (env.INVOCATION_ID) return askSystemd(prompt);
  throw new CryptoError(
    CryptoErrorCode.PassphraseUnavailable,
    `the data key is protected by a passphrase: start from a terminal, or set ${PASSPHRASE_FILE_ENV}`,
  );
}

async function readPassphraseFile(path: string): Promise<string> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new CryptoError(
      CryptoErrorCode.KeyFileExposed,
      `${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}): run chmod 600 on it`,
    );
  }
  // One trailing newline is the editor's, not the passphrase's.
  return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
}

function askSystemd(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('systemd-ask-password', ['--id=econsulat-node', '--timeout=0', prompt], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', (cause) =>
      reject(
        new CryptoError(CryptoErrorCode.PassphraseUnavailable, 'systemd-ask-password is not available', {
          cause,
        }),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(out.replace(/\n$/, ''))
        : reject(new CryptoError(CryptoErrorCode.PassphraseUnavailable, 'no passphrase was given')),
    );
  });
}
