import { readProviderSecret } from './provider-secret.js';
import type { SmsConfig } from './sms-config.js';

/** The secret of the configured SMS adapter, when it has one; never in node.json, never logged. */
export interface SmsSecrets {
  /** SMPP: the bind password. */
  readonly smppPassword?: string;
  /** Africa's Talking: the API key (`apiKey` header). */
  readonly atApiKey?: string;
  /** SMS Gateway for Android: the local server's password (Basic auth). */
  readonly androidPassword?: string;
  /** SMS Gateway for Android: the key its webhooks are signed with (X-Signature). */
  readonly androidSigningKey?: string;
}

type Name = keyof SmsSecrets;

/** Where each secret may come from: the value itself, or a file holding it (env.ts reads the names). */
export type SmsSecretSources = Partial<Record<Name | `${Name}File`, string | undefined>>;

/** The variables {@link SmsSecretSources} are read from, for messages and the README. */
export const SMS_SECRET_VARIABLES = {
  smppPassword: 'MISSION_SMPP_PASSWORD',
  smppPasswordFile: 'MISSION_SMPP_PASSWORD_FILE',
  atApiKey: 'MISSION_AT_API_KEY',
  atApiKeyFile: 'MISSION_AT_API_KEY_FILE',
  androidPassword: 'MISSION_ANDROID_GATEWAY_PASSWORD',
  androidPasswordFile: 'MISSION_ANDROID_GATEWAY_PASSWORD_FILE',
  androidSigningKey: 'MISSION_ANDROID_WEBHOOK_KEY',
  androidSigningKeyFile: 'MISSION_ANDROID_WEBHOOK_KEY_FILE',
} as const;

/** Reads the secrets the configured adapter needs, as {@link readProviderSecret} does each. */
export async function loadSmsSecrets(config: SmsConfig, sources: SmsSecretSources): Promise<SmsSecrets> {
  switch (config.gateway) {
    case 'smpp':
      return { smppPassword: await oneSecret(sources, 'smppPassword', 'SMPP') };
    case 'africastalking':
      return { atApiKey: await oneSecret(sources, 'atApiKey', 'Africa’s Talking') };
    case 'android':
      return {
        androidPassword: await oneSecret(sources, 'androidPassword', 'SMS Gateway for Android'),
        androidSigningKey: await oneSecret(sources, 'androidSigningKey', 'SMS Gateway for Android'),
      };
    default:
      return {};
  }
}

function oneSecret(sources: SmsSecretSources, name: Name, provider: string): Promise<string> {
  return readProviderSecret({
    provider,
    value: sources[name],
    file: sources[`${name}File`],
    variable: SMS_SECRET_VARIABLES[name],
    fileVariable: SMS_SECRET_VARIABLES[`${name}File`],
  });
}
