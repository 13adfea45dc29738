import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Mobile money through MTN MoMo's Collection API, as node.json enables it. The API user, API key and
 * subscription key are not here: node.json is copied into backups, so they come from the environment
 * or credential files (momo-secrets.ts).
 */
export const momoConfigSchema = z.strictObject({
  /** MTN's API: `https://proxy.momoapi.mtn.com` in production, `https://sandbox.momodeveloper.mtn.com` in the sandbox. */
  apiUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => new URL(url).protocol === 'https:' || LOOPBACK_HOSTS.has(new URL(url).hostname), {
      error: 'plain http only to 127.0.0.1 or localhost',
    })
    .transform((url) => url.replace(/\/+$/, ''))
    .default('https://proxy.momoapi.mtn.com'),
  /** `X-Target-Environment`: `sandbox`, or `mtn<country>` as MTN gives it (`mtncameroon`, `mtncongo`). */
  targetEnvironment: z.string().regex(/^[a-z0-9]{3,40}$/),
  /**
   * The node's address as MTN and the applicants reach it (`https://yaounde.consulat-rca.example`):
   * MTN's notices come to `<publicUrl>/api/v1/payments/notices/momo/…`, and the applicant waits on
   * `<publicUrl>/paiement/attente/…`. MTN's production sends notices only to https.
   */
  publicUrl: z
    .url({ protocol: /^https?$/ })
    .max(300)
    .transform((url) => url.replace(/\/+$/, '')),
  /** How long a request to pay may stay unapproved before the node gives up on it (minutes). */
  pendingMinutes: z.int().min(1).max(1440).default(30),
});

/** A validated MoMo configuration. */
export type MomoConfig = z.infer<typeof momoConfigSchema>;
