import { type HubConfig, hubConfigSchema } from './config.js';

/**
 * The only reader of the environment on the hub side (HUB_* and the DESIGN's DATABASE_URL and
 * MQTT_URL). Throws a ZodError naming each missing or invalid variable.
 */
export function hubConfigFromEnv(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return hubConfigSchema.parse({
    dataDir: env.HUB_DATA_DIR,
    http: {
      host: env.HUB_HTTP_HOST,
      port: number(env.HUB_HTTP_PORT),
      // `true`, `false` or `auto`; unset is `auto`, anything else is refused.
      secureCookies: flagOrWord(env.HUB_SECURE_COOKIES),
      // Comma-separated (`HUB_TRUST_PROXY=10.0.0.2,10.0.1.0/24`); unset is none.
      trustProxy: env.HUB_TRUST_PROXY?.split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    },
    offsite: {
      recoveryPublicKey: env.HUB_OFFSITE_RECOVERY_PUBLIC_KEY || undefined,
      maxBytesPerSecond: number(env.HUB_OFFSITE_MAX_BYTES_PER_SECOND),
      keep: {
        daily: number(env.HUB_OFFSITE_KEEP_DAILY),
        weekly: number(env.HUB_OFFSITE_KEEP_WEEKLY),
        monthly: number(env.HUB_OFFSITE_KEEP_MONTHLY),
      },
      maxGenerationBytes: number(env.HUB_OFFSITE_MAX_GENERATION_BYTES),
      maxGenerationChunks: number(env.HUB_OFFSITE_MAX_GENERATION_CHUNKS),
    },
    databaseUrl: env.DATABASE_URL,
    embeddedDatabase: env.HUB_EMBEDDED_DATABASE,
    mqtt: env.MQTT_URL
      ? {
          mode: 'external',
          url: env.MQTT_URL,
          insecure: env.MQTT_INSECURE === 'true',
          caFile: env.HUB_MQTT_CA_FILE,
          shareGroup: env.HUB_MQTT_SHARE_GROUP,
        }
      : {
          mode: 'embedded',
          host: env.HUB_MQTT_HOST,
          insecure: env.MQTT_INSECURE === 'true',
          port: number(env.HUB_MQTT_PORT),
          tls: env.HUB_MQTT_TLS_PORT
            ? {
                port: number(env.HUB_MQTT_TLS_PORT),
                certFile: env.HUB_MQTT_TLS_CERT,
                keyFile: env.HUB_MQTT_TLS_KEY,
              }
            : undefined,
        },
    // Comma-separated (`HUB_ROLES=ingest,jobs`); unset is all three.
    roles: env.HUB_ROLES?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
    ingest: {
      leases: flagOrWord(env.HUB_INGEST_LEASES),
      leaseSeconds: number(env.HUB_INGEST_LEASE_SECONDS),
      renewSeconds: number(env.HUB_INGEST_RENEW_SECONDS),
    },
    logLevel: env.HUB_LOG_LEVEL,
    metrics: { token: env.HUB_METRICS_TOKEN },
    registry: { submissionsPerMissionPerDay: number(env.HUB_REGISTRY_SUBMISSIONS_PER_DAY) },
  });
}

function flagOrWord(value: string | undefined): boolean | string | undefined {
  if (value === 'true' || value === 'false') return value === 'true';
  return value === '' ? undefined : value;
}
