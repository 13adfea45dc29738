import { join } from 'node:path';
import { z } from 'zod';
import { brokerUrlFields, refusePlainMqtt } from '../../common/config/plain-mqtt.js';
import { isIsoCurrency } from '../../common/money/index.js';
import { isAddressRange } from '../../common/net/address-ranges.js';
import { missionIdSchema } from '../../protocol/index.js';
import { smsCapsSchema } from '../services/outbox/sms-caps.js';
import { momoConfigSchema } from './momo-config.js';
import { smsConfigSchema } from './sms-config.js';
import { stripeConfigSchema } from './stripe-config.js';

/** The mission node's configuration: built from the environment by env.ts, or directly by tests. */
export const nodeConfigSchema = z.strictObject({
  missionId: missionIdSchema,
  missionName: z.string().min(1).max(200),
  /** Three capital letters that start the mission's tracking and receipt numbers (`PAR`). */
  prefix: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /** Holds the database, key files, backups and the development SMS file. */
  dataDir: z.string().min(1),
  http: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.int().min(0).max(65535).default(8081),
    /**
     * Cookies marked Secure, forced on or off. Absent: Secure whenever the node serves HTTPS
     * (`tls`) or trusts a proxy (`trustProxy`), see node/http/secure-cookies.ts.
     */
    secureCookies: z.boolean().optional(),
    /** The node's certificate and key (PEM files, `node init` writes them): it serves HTTPS. */
    tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
    /** With `tls`, a plain HTTP port that only redirects to HTTPS (308); `false`: none. */
    redirectPort: z.union([z.int().min(0).max(65535), z.literal(false)]).default(8080),
    /**
     * The reverse proxies in front, as addresses or CIDR blocks: their X-Forwarded-For names the
     * client, for limits and logs. Empty (the default): the socket's address is the client's.
     */
    trustProxy: z
      .array(z.string().trim().refine(isAddressRange, { error: 'not an IP address or CIDR block' }))
      .max(64)
      .default([]),
    /**
     * The address people reach the portal at from outside (`https://consulat.example/`): links in
     * SMS (a roll-call's answer page) are built on it. Absent: SMS carry no link.
     */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  /** The broker; absent means the node runs alone (still fully usable on the LAN). */
  mqtt: z
    .strictObject({
      ...brokerUrlFields,
      caFile: z.string().optional(),
      /**
       * `token`: a short-lived token signed with the mission's key (the hub's embedded broker).
       * `password`: the static password derived for an external broker (Mosquitto), whose
       * password file `econsulat hub broker-config` writes.
       */
      credentials: z.enum(['token', 'password']).default('token'),
    })
    .superRefine(refusePlainMqtt)
    .optional(),
  /** IANA time zone of the mission, for opening hours and what agents see. */
  timeZone: z.string().default('UTC'),
  /** ISO 3166 alpha-2 of the host country: the default region of phone numbers. */
  region: z.string().regex(/^[A-Z]{2}$/),
  /** ISO 4217 code of the host country's currency: fees and receipts use its minor units. */
  hostCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .refine(isIsoCurrency, {
      error: (issue) => `${String(issue.input)} is not an active ISO 4217 currency code`,
    }),
  /** The SMS adapter (sms-config.ts): file, http, smpp, africastalking or android. */
  sms: smsConfigSchema,
  /** SMS per phone number and per number prefix, per hour and per day (services/outbox/sms-caps.ts). */
  smsCaps: smsCapsSchema.prefault({}),
  /** What the citizen portal shows of the mission, as the mission writes it (opening hours come from its calendar). */
  profile: z
    .strictObject({
      address: z.string().trim().min(1).max(300).optional(),
      phone: z.string().trim().min(3).max(40).optional(),
      email: z.email().max(254).optional(),
    })
    .default({}),
  /**
   * The USSD channel, `POST /ussd`: the gateway's credential, the addresses it calls from, and the
   * callbacks allowed. Without a token the node still starts and every callback is refused (403):
   * see node/http/ussd/ussd-routes.ts.
   */
  ussd: z
    .strictObject({
      /** What the gateway sends as `Authorization: Bearer …` or `?token=` in its callback URL. */
      token: z.string().min(16).max(200).optional(),
      /**
       * The gateway's addresses or CIDR blocks, when the operator publishes them: a callback from
       * elsewhere is refused even with the token. Empty: any address that has the token.
       */
      allowFrom: z
        .array(z.string().trim().refine(isAddressRange, { error: 'not an IP address or CIDR block' }))
        .max(64)
        .default([]),
      perPhonePerMinute: z.int().min(1).max(600).default(30),
      perSessionPerMinute: z.int().min(1).max(600).default(20),
      /** From one address: the gateway's, for all its callers. */
      perAddressPerMinute: z.int().min(1).max(100_000).default(3000),
    })
    .default({ allowFrom: [], perPhonePerMinute: 30, perSessionPerMinute: 20, perAddressPerMinute: 3000 }),
  /** `GET /metrics`, for the operator's scraper: without a token it answers 404. */
  metrics: z.strictObject({ token: z.string().min(16).max(200).optional() }).default({}),
  /** Offer the simulated online payment provider (demo and training only). */
  simulatedPayments: z.boolean().default(false),
  /** Card payments through Stripe Checkout; its keys come from the environment (stripe-secrets.ts). */
  stripe: stripeConfigSchema.optional(),
  /** Mobile money through MTN MoMo's Collection API; its keys come from the environment (momo-secrets.ts). */
  momo: momoConfigSchema.optional(),
  backup: z.strictObject({ keep: z.int().min(1).max(365).default(14) }).default({ keep: 14 }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** A validated node configuration. */
export type NodeConfig = z.infer<typeof nodeConfigSchema>;
/** What callers give before defaults. */
export type NodeConfigInput = z.input<typeof nodeConfigSchema>;

/** Where each file of the node lives inside its data directory. */
export function nodePaths(config: Pick<NodeConfig, 'dataDir'>) {
  const dir = config.dataDir;
  return {
    database: join(dir, 'mission.sqlite'),
    identityKey: join(dir, 'keys', 'identity.key'),
    dataKey: join(dir, 'keys', 'data.key'),
    enrolmentRequest: join(dir, 'enrolment-request.json'),
    backups: join(dir, 'backups'),
    smsOutbox: join(dir, 'sms-outbox.jsonl'),
    ...siteTlsPaths(dir),
  };
}

/**
 * Where a mission keeps its TLS material, inside its data directory (made by ops/tls at init). The
 * keys sit beside the mission's other keys (mode 0600); the certificates, public, in tls/:
 * `mission-ca.crt` is the file carried to the counters (`.crt`: what update-ca-certificates picks up).
 */
export function siteTlsPaths(dir: string) {
  return {
    caKey: join(dir, 'keys', 'tls-ca.key'),
    caCert: join(dir, 'tls', 'mission-ca.crt'),
    serverKey: join(dir, 'keys', 'tls-server.key'),
    serverCert: join(dir, 'tls', 'server.crt'),
  };
}

/** The mission's prefix: configured, or the first three letters of its city (`fr-paris` → `PAR`). */
export function missionPrefix(config: Pick<NodeConfig, 'missionId' | 'prefix'>): string {
  if (config.prefix) return config.prefix;
  const city = config.missionId
    .split('-')
    .slice(1)
    .join('')
    .replace(/[^a-z]/g, '');
  return city.padEnd(3, 'X').slice(0, 3).toUpperCase();
}
