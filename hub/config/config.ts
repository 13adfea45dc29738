import { join } from 'node:path';
import { z } from 'zod';
import { brokerUrlFields, isLoopbackHost, refusePlainMqtt } from '../../common/config/plain-mqtt.js';
import { isAddressRange } from '../../common/net/address-ranges.js';

/** The parts of the hub a process may run; all three by default. */
export const HUB_ROLES = ['ingest', 'web', 'jobs'] as const;
/** One of {@link HUB_ROLES}. */
export type HubRole = (typeof HUB_ROLES)[number];

/** The hub's configuration: built from the environment by env.ts, or directly by tests. */
export const hubConfigSchema = z.strictObject({
  /** Holds the hub's key, the embedded database and its logs. */
  dataDir: z.string().min(1),
  http: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.int().min(0).max(65535).default(8080),
    /**
     * The web cookies' Secure flag. `auto` (the default): Secure when the request came over HTTPS,
     * which behind a TLS proxy is its X-Forwarded-Proto, believed from `trustProxy` only; so the
     * cookies are Secure behind the proxy and the demo still logs in on http://127.0.0.1.
     * `true` or `false` forces it either way.
     */
    secureCookies: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    /**
     * The reverse proxies in front, as addresses or CIDR blocks: their X-Forwarded-For names the
     * client, for limits and logs. Empty (the default): the socket's address is the client's.
     */
    trustProxy: z
      .array(z.string().trim().refine(isAddressRange, { error: 'not an IP address or CIDR block' }))
      .max(64)
      .default([]),
  }),
  /**
   * Off-site backups of the missions (protocol/PROTOCOL.md, "Off-site backups"). Off without
   * `recoveryPublicKey`: the public half of the ministry's recovery key (`econsulat hub recovery-key
   * create`), whose secret half the ministry's key custodian keeps offline, never on the hub.
   */
  offsite: z
    .strictObject({
      recoveryPublicKey: z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/, { error: 'base64url of a 32-byte X25519 public key' })
        .optional(),
      /** The transfer's rate at each mission, sent in offsite.policy; live messages go first anyway. */
      maxBytesPerSecond: z.int().min(1024).max(1_000_000_000).default(262_144),
      /** Grandfather-father-son: the newest generation of each of the last N days, weeks, months. */
      keep: z
        .strictObject({
          daily: z.int().min(0).max(366).default(7),
          weekly: z.int().min(0).max(520).default(4),
          monthly: z.int().min(0).max(240).default(6),
        })
        .prefault({}),
      maxGenerationBytes: z
        .int()
        .min(1)
        .default(32 * 1024 ** 3),
      // A manifest naming more addresses would not fit in one envelope (4 MiB, deflated) anyway;
      // 100,000 scans of a large mission are as many chunks, plus the database's.
      maxGenerationChunks: z.int().min(1).max(120_000).default(120_000),
    })
    .prefault({}),
  /** PostgreSQL; absent means the embedded database in the data directory. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  /**
   * The embedded database when there is no URL: a PostgreSQL server the hub runs itself (durable,
   * the default), or PGlite, which never fsyncs: for tests and throwaway runs only.
   */
  embeddedDatabase: z.enum(['postgres', 'pglite']).default('postgres'),
  mqtt: z.discriminatedUnion('mode', [
    z
      .strictObject({
        mode: z.literal('embedded'),
        host: z.string().default('127.0.0.1'),
        port: z.int().min(0).max(65535).default(1883),
        /**
         * With TLS, missions connect to the TLS port and the plain one stays on the loopback for the
         * hub's own link; without TLS, a host off the loopback needs `insecure` (a trusted lab).
         */
        tls: z
          .strictObject({ port: z.int().min(0).max(65535), certFile: z.string(), keyFile: z.string() })
          .optional(),
        insecure: z.boolean().default(false),
      })
      .superRefine((value, context) => {
        if (value.tls || value.insecure || isLoopbackHost(value.host)) return;
        context.addIssue({
          code: 'custom',
          path: ['host'],
          message: `the broker would listen in clear on ${value.host}: give it a TLS listener (HUB_MQTT_TLS_PORT, _CERT, _KEY), or set MQTT_INSECURE=true for a network you trust`,
        });
      }),
    z
      .strictObject({
        mode: z.literal('external'),
        ...brokerUrlFields,
        caFile: z.string().optional(),
        /** Several hub processes share the ingest through `$share/<group>/…`. */
        shareGroup: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,40}$/)
          .default('econsulat-hub'),
      })
      .superRefine(refusePlainMqtt),
  ]),
  /**
   * What this process runs (hub/README.md, "Several hub processes"): `ingest` (the missions'
   * envelopes), `web` (the pages and the JSON API) and `jobs` (reminders, pruning, registry passes,
   * off-site retention). Every process answers /healthz and /metrics whatever its roles.
   */
  roles: z
    .array(z.enum(HUB_ROLES))
    .min(1, { error: 'at least one role: ingest, web or jobs' })
    .refine((roles) => new Set(roles).size === roles.length, { error: 'a role is named twice' })
    .default([...HUB_ROLES]),
  /**
   * Per-mission ingest leases: each mission's up channel taken by one process at a time, handed
   * over when that process dies. `auto` (the default): on with an external broker, where several
   * processes may run; off with the embedded one, where one process takes everything.
   */
  ingest: z
    .strictObject({
      leases: z.union([z.boolean(), z.literal('auto')]).default('auto'),
      /** How long a lease lasts without renewal: the longest a dead process's missions wait. */
      leaseSeconds: z.int().min(5).max(300).default(15),
      /** How often each process renews its leases and takes its share. */
      renewSeconds: z.int().min(1).max(60).default(3),
    })
    .refine((value) => value.renewSeconds * 3 <= value.leaseSeconds, {
      error: 'renewSeconds must be at most a third of leaseSeconds: a lease must survive a missed renewal',
    })
    .prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `GET /metrics`, for the operator's scraper: without a token it answers 404. */
  metrics: z.strictObject({ token: z.string().min(16).max(200).optional() }).default({}),
  /**
   * How long the hub keeps envelopes a mission acknowledged, and the sealed copies of the records a
   * mission's events changed: a mission restored from a backup up to that old asks for the first and
   * gets its records back from the second (protocol/PROTOCOL.md, "Going back in time").
   */
  retention: z
    .strictObject({ acknowledgedEnvelopesDays: z.int().min(1).max(3650).default(90) })
    .default({ acknowledgedEnvelopesDays: 90 }),
  /**
   * How many of one mission's registry submissions the rules decide per UTC day; the others wait,
   * pending, for the following days (hub/services/registry/README.md). Bounds what a mission can
   * learn from the registry in a day, whoever holds its key.
   */
  registry: z
    .strictObject({ submissionsPerMissionPerDay: z.int().min(1).max(1_000_000).default(500) })
    .default({ submissionsPerMissionPerDay: 500 }),
});

/** A validated hub configuration. */
export type HubConfig = z.infer<typeof hubConfigSchema>;
/** What callers give before defaults. */
export type HubConfigInput = z.input<typeof hubConfigSchema>;

/** Where each file of the hub lives inside its data directory. */
export function hubPaths(config: Pick<HubConfig, 'dataDir'>) {
  return {
    identityKey: join(config.dataDir, 'keys', 'hub.key'),
    pglite: join(config.dataDir, 'pglite'),
    postgres: join(config.dataDir, 'postgres'),
    postgresLog: join(config.dataDir, 'logs', 'postgres.log'),
  };
}

/**
 * True when the hub runs as one of several processes (config `ingest.leases`): each process says
 * it is alive in hub_processes, and those with the `ingest` role share the missions by lease.
 */
export function usesIngestLeases(config: Pick<HubConfig, 'ingest' | 'mqtt'>): boolean {
  if (config.ingest.leases === 'auto') return config.mqtt.mode === 'external';
  return config.ingest.leases;
}
