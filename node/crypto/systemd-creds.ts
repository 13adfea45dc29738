import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CryptoError, CryptoErrorCode } from './errors.js';

/**
 * The credential's name. systemd-creds binds it into the sealed file, so a credential made for
 * another purpose cannot be passed off as the data key; the service unit loads it under this name
 * (`LoadCredentialEncrypted=econsulat-data-key:…`, ops/systemd/econsulat-node.service).
 */
export const DATA_KEY_CREDENTIAL = 'econsulat-data-key';

/**
 * Seals text with the machine's credential store (`systemd-creds encrypt`: the TPM2 when there is
 * one, and the host key under /var/lib/systemd): the sealed file opens on this machine only, so a
 * copy of the disk without the TPM, or the file alone, is useless.
 */
export async function sealWithSystemdCreds(plain: string, outPath: string): Promise<void> {
  await run(['encrypt', `--name=${DATA_KEY_CREDENTIAL}`, '-', outPath], plain, 'seal the data key');
}

/**
 * Opens the sealed data key. Under systemd the unit has already decrypted it into the service's
 * private credentials folder ($CREDENTIALS_DIRECTORY), readable by the service alone; elsewhere
 * (a maintenance command run as root) systemd-creds decrypts it.
 */
export async function openWithSystemdCreds(credPath: string): Promise<string> {
  const folder = process.env.CREDENTIALS_DIRECTORY;
  if (folder) {
    try {
      return await readFile(join(folder, DATA_KEY_CREDENTIAL), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return run(['decrypt', `--name=${DATA_KEY_CREDENTIAL}`, credPath, '-'], '', 'open the data key');
}

function run(args: readonly string[], input: string, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('systemd-creds', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (cause) =>
      reject(
        new CryptoError(CryptoErrorCode.CredentialFailed, `systemd-creds is not available to ${what}`, {
          cause,
        }),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const reason = Buffer.concat(err).toString('utf8').trim().split('\n').at(-1) ?? '';
      reject(new CryptoError(CryptoErrorCode.CredentialFailed, `systemd-creds could not ${what}: ${reason}`));
    });
    // A refusal (a wrong name, no host key) can end the process before it reads its input: the
    // broken pipe is then expected, and the exit code, reported on close, says why.
    child.stdin.on('error', (cause: NodeJS.ErrnoException) => {
      if (cause.code !== 'EPIPE') reject(cause);
    });
    child.stdin.end(input);
  });
}
