import { readFile, stat } from 'node:fs/promises';

/** Stripe's two secrets, from the environment or credential files; never in node.json, never logged. */
export interface StripeSecrets {
  readonly secretKey: string;
  readonly webhookSecret: string;
}

/** Where each secret may come from: the value itself, or a file holding it (env.ts reads the names). */
export interface StripeSecretSources {
  readonly secretKey?: string | undefined;
  readonly secretKeyFile?: string | undefined;
  readonly webhookSecret?: string | undefined;
  readonly webhookSecretFile?: string | undefined;
}

/** The variables {@link StripeSecretSources} are read from, for messages and the README. */
export const STRIPE_SECRET_VARIABLES = {
  secretKey: 'MISSION_STRIPE_SECRET_KEY',
  secretKeyFile: 'MISSION_STRIPE_SECRET_KEY_FILE',
  webhookSecret: 'MISSION_STRIPE_WEBHOOK_SECRET',
  webhookSecretFile: 'MISSION_STRIPE_WEBHOOK_SECRET_FILE',
} as const;

/**
 * Reads both secrets; fails fast, naming the variable, when one is missing, given twice, or held in
 * a file others can read (a credential under systemd's $CREDENTIALS_DIRECTORY qualifies).
 */
export async function loadStripeSecrets(sources: StripeSecretSources): Promise<StripeSecrets> {
  return {
    secretKey: await oneSecret(sources.secretKey, sources.secretKeyFile, 'secretKey', 'secretKeyFile'),
    webhookSecret: await oneSecret(
      sources.webhookSecret,
      sources.webhookSecretFile,
      'webhookSecret',
      'webhookSecretFile',
    ),
  };
}

type Name = keyof typeof STRIPE_SECRET_VARIABLES;

async function oneSecret(value: string | undefined, file: string | undefined, name: Name, fileName: Name) {
  const [variable, fileVariable] = [STRIPE_SECRET_VARIABLES[name], STRIPE_SECRET_VARIABLES[fileName]];
  if (value && file) throw new TypeError(`set ${variable} or ${fileVariable}, not both`);
  const secret = file ? await readSecretFile(file, fileVariable) : value;
  if (!secret?.trim()) throw new TypeError(`Stripe is enabled: set ${variable} or ${fileVariable}`);
  return secret.trim();
}

async function readSecretFile(path: string, variable: string): Promise<string> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0)
    throw new TypeError(`${path} (${variable}) is readable by others: run chmod 600 on it`);
  return readFile(path, 'utf8');
}
