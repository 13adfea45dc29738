import { type NodeConfig, nodeConfigSchema } from './config.js';
import { MOMO_SECRET_VARIABLES, type MomoSecretSources } from './momo-secrets.js';
import { SMS_SECRET_VARIABLES, type SmsSecretSources } from './sms-secrets.js';
import { STRIPE_SECRET_VARIABLES, type StripeSecretSources } from './stripe-secrets.js';

/**
 * The only reader of the environment on the node side (MISSION_* and the DESIGN's MQTT_URL).
 * Throws a ZodError naming each missing or invalid variable.
 */
export function nodeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const smsGateway = env.MISSION_SMS_GATEWAY ?? 'file';
  return nodeConfigSchema.parse({
    missionId: env.MISSION_ID,
    missionName: env.MISSION_NAME,
    dataDir: env.MISSION_DATA_DIR,
    http: {
      host: env.MISSION_HTTP_HOST,
      port: env.MISSION_HTTP_PORT === undefined ? undefined : Number(env.MISSION_HTTP_PORT),
      secureCookies: booleanOf(env.MISSION_SECURE_COOKIES),
      tls:
        env.MISSION_TLS_CERT || env.MISSION_TLS_KEY
          ? { certFile: env.MISSION_TLS_CERT, keyFile: env.MISSION_TLS_KEY }
          : undefined,
      redirectPort: portOrOff(env.MISSION_HTTP_REDIRECT_PORT),
      trustProxy: listOf(env.MISSION_TRUST_PROXY),
      publicUrl: env.MISSION_PUBLIC_URL,
    },
    mqtt: env.MQTT_URL
      ? {
          url: env.MQTT_URL,
          insecure: env.MQTT_INSECURE === 'true',
          caFile: env.MISSION_MQTT_CA_FILE,
          credentials: env.MISSION_MQTT_CREDENTIALS,
        }
      : undefined,
    timeZone: env.MISSION_TIME_ZONE,
    region: env.MISSION_REGION,
    hostCurrency: env.MISSION_HOST_CURRENCY,
    sms: smsFromEnv(smsGateway, env),
    profile: {
      address: env.MISSION_ADDRESS,
      phone: env.MISSION_PHONE,
      email: env.MISSION_EMAIL,
    },
    ussd: { token: env.MISSION_USSD_TOKEN, allowFrom: listOf(env.MISSION_USSD_ALLOW_FROM) },
    metrics: { token: env.MISSION_METRICS_TOKEN },
    stripe:
      env.MISSION_STRIPE_ENABLED === 'true'
        ? { returnUrl: env.MISSION_STRIPE_RETURN_URL, apiUrl: env.MISSION_STRIPE_API_URL }
        : undefined,
    momo:
      env.MISSION_MOMO_ENABLED === 'true'
        ? {
            apiUrl: env.MISSION_MOMO_API_URL,
            targetEnvironment: env.MISSION_MOMO_TARGET_ENVIRONMENT,
            publicUrl: env.MISSION_MOMO_PUBLIC_URL,
            pendingMinutes:
              env.MISSION_MOMO_PENDING_MINUTES === undefined
                ? undefined
                : Number(env.MISSION_MOMO_PENDING_MINUTES),
          }
        : undefined,
    logLevel: env.MISSION_LOG_LEVEL,
  });
}

/** Where MTN MoMo's API user, API key and subscription key are read from (values or files). */
export function momoSecretSourcesFromEnv(env: NodeJS.ProcessEnv = process.env): MomoSecretSources {
  return Object.fromEntries(
    Object.entries(MOMO_SECRET_VARIABLES).map(([name, variable]) => [name, env[variable]]),
  ) as MomoSecretSources;
}

// MISSION_SMS_GATEWAY picks the adapter; its settings follow node.json's names (sms-config.ts).
function smsFromEnv(gateway: string, env: NodeJS.ProcessEnv): unknown {
  switch (gateway) {
    case 'http':
      return { gateway, url: env.MISSION_SMS_URL, token: env.MISSION_SMS_TOKEN };
    case 'smpp':
      return {
        gateway,
        host: env.MISSION_SMPP_HOST,
        port: numberOf(env.MISSION_SMPP_PORT),
        systemId: env.MISSION_SMPP_SYSTEM_ID,
        sourceAddr: env.MISSION_SMPP_SOURCE_ADDR,
        messagesPerSecond: numberOf(env.MISSION_SMPP_MESSAGES_PER_SECOND),
      };
    case 'africastalking':
      return {
        gateway,
        username: env.MISSION_AT_USERNAME,
        from: env.MISSION_AT_FROM,
        apiUrl: env.MISSION_AT_API_URL,
      };
    case 'android':
      return {
        gateway,
        url: env.MISSION_ANDROID_GATEWAY_URL,
        username: env.MISSION_ANDROID_GATEWAY_USERNAME,
      };
    default:
      return { gateway, file: env.MISSION_SMS_FILE };
  }
}

function numberOf(value: string | undefined): number | undefined {
  return value === undefined || value === '' ? undefined : Number(value);
}

/** Where the SMS adapter's secrets are read from (values or files). */
export function smsSecretSourcesFromEnv(env: NodeJS.ProcessEnv = process.env): SmsSecretSources {
  return Object.fromEntries(
    Object.entries(SMS_SECRET_VARIABLES).map(([name, variable]) => [name, env[variable]]),
  ) as SmsSecretSources;
}

/** Where Stripe's secret key and webhook signing secret are read from (values or files). */
export function stripeSecretSourcesFromEnv(env: NodeJS.ProcessEnv = process.env): StripeSecretSources {
  return {
    secretKey: env[STRIPE_SECRET_VARIABLES.secretKey],
    secretKeyFile: env[STRIPE_SECRET_VARIABLES.secretKeyFile],
    webhookSecret: env[STRIPE_SECRET_VARIABLES.webhookSecret],
    webhookSecretFile: env[STRIPE_SECRET_VARIABLES.webhookSecretFile],
  };
}

/** A comma-separated list (`MISSION_USSD_ALLOW_FROM=196.12.0.0/24,2001:db8::/32`); unset is none. */
function listOf(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `true` or `false`; unset (or anything else, which the schema then refuses) is left to the default. */
function booleanOf(value: string | undefined): boolean | string | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** A port number, or `off` for none (`MISSION_HTTP_REDIRECT_PORT=off`); unset is the default. */
function portOrOff(value: string | undefined): number | false | undefined {
  if (value === undefined) return undefined;
  return value === 'off' ? false : Number(value);
}
