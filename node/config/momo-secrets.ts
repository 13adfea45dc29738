import { readProviderSecret } from './provider-secret.js';

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

/** Reads the three secrets, as {@link readProviderSecret} does each. */
export async function loadMomoSecrets(sources: MomoSecretSources): Promise<MomoSecrets> {
  return {
    apiUser: await oneSecret(sources, 'apiUser'),
    apiKey: await oneSecret(sources, 'apiKey'),
    subscriptionKey: await oneSecret(sources, 'subscriptionKey'),
  };
}

function oneSecret(sources: MomoSecretSources, name: Name): Promise<string> {
  return readProviderSecret({
    provider: 'MTN MoMo',
    value: sources[name],
    file: sources[`${name}File`],
    variable: MOMO_SECRET_VARIABLES[name],
    fileVariable: MOMO_SECRET_VARIABLES[`${name}File`],
  });
}
