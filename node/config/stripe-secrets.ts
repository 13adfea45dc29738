import { readProviderSecret } from './provider-secret.js';

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

/** Reads both secrets, as {@link readProviderSecret} does each. */
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

function oneSecret(value: string | undefined, file: string | undefined, name: Name, fileName: Name) {
  return readProviderSecret({
    provider: 'Stripe',
    value,
    file,
    variable: STRIPE_SECRET_VARIABLES[name],
    fileVariable: STRIPE_SECRET_VARIABLES[fileName],
  });
}
