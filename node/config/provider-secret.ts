import { readFile, stat } from 'node:fs/promises';

/** One secret of a provider: its value from a variable, or a file named by another variable. */
export interface ProviderSecretSource {
  /** The provider, for the message when the secret is missing (`Stripe`, `MTN MoMo`). */
  readonly provider: string;
  readonly value: string | undefined;
  readonly file: string | undefined;
  /** The names of the two variables, for the messages. */
  readonly variable: string;
  readonly fileVariable: string;
}

/**
 * Reads one secret; fails fast, naming the variable, when it is missing, given twice, or held in a
 * file others can read (a credential under systemd's $CREDENTIALS_DIRECTORY qualifies).
 */
export async function readProviderSecret(source: ProviderSecretSource): Promise<string> {
  const { provider, value, file, variable, fileVariable } = source;
  if (value && file) throw new TypeError(`set ${variable} or ${fileVariable}, not both`);
  const secret = file ? await readSecretFile(file, fileVariable) : value;
  if (!secret?.trim()) throw new TypeError(`${provider} is enabled: set ${variable} or ${fileVariable}`);
  return secret.trim();
}

async function readSecretFile(path: string, variable: string): Promise<string> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0)
    throw new TypeError(`${path} (${variable}) is readable by others: run chmod 600 on it`);
  return readFile(path, 'utf8');
}
