import { readFile, stat } from 'node:fs/promises';

/** MTN MoMo's three secrets, from the environment or credential files; never in node.json, never logged. */
export interface MomoSecrets {
  /** The API user, a UUID made with the provisioning API (sandbox) or MTN's partner portal. */
  readonly apiUser: string;
  readonly apiKey: string;
  /** The Collection product's subscription key (`Ocp-Apim-Subscription-Key`). */
  readonly subscriptionKey: string;
}

type Name = keyof MomoSecrets;

/** Where each secret may come from: the value itself, or a file holding it (env.ts reads the names). */
export type MomoSecretSources = Partial<Record<Name | `${Name}File`, string | undefined>>;

/** The variables {@link MomoSecretSources} are read from, for messages and the README. */
export const MOMO_SECRET_VARIABLES = {
  apiUser: 'MISSION_MOMO_API_USER',
  apiUserFile: 'MISSION_MOMO_API_USER_FILE',
  apiKey: 'MISSION_MOMO_API_KEY',
  apiKeyFile: 'MISSION_MOMO_API_KEY_FILE',
  subscriptionKey: 'MISSION_MOMO_SUBSCRIPTION_KEY',
  subscriptionKeyFile: 'MISSION_MOMO_SUBSCRIPTION_KEY_FILE',
} as const;

/**
 * Reads the three secrets; fails fast, naming the variable, when one is missing, given twice, or
 * held in a file others can read (a credential under systemd's $CREDENTIALS_DIRECTORY qualifies).
 */
export async function loadMomoSecrets(sources: MomoSecretSources): Promise<MomoSecrets> {
  return {
    apiUser: await oneSecret(sources, 'apiUser'),
    apiKey: await oneSecret(sources, 'apiKey'),
    subscriptionKey: await oneSecret(sources, 'subscriptionKey'),
  };
}

async function oneSecret(sources: MomoSecretSources, name: Name): Promise<string> {
  const [variable, fileVariable] = [MOMO_SECRET_VARIABLES[name], MOMO_SECRET_VARIABLES[`${name}File`]];
  const value = sources[name];
  const file = sources[`${name}File`];
  if (value && file) throw new TypeError(`set ${variable} or ${fileVariable}, not both`);
  const secret = file ? await readSecretFile(file, fileVariable) : value;
  if (!secret?.trim()) throw new TypeError(`MTN MoMo is enabled: set ${variable} or ${fileVariable}`);
  return secret.trim();
}

async function readSecretFile(path: string, variable: string): Promise<string> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0)
    throw new TypeError(`${path} (${variable}) is readable by others: run chmod 600 on it`);
  return readFile(path, 'utf8');
}
