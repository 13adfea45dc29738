import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Card payments through Stripe Checkout, as node.json enables them. The secret key and the webhook
 * signing secret are not here: node.json is copied into backups, so they come from the environment
 * or a credential file (stripe-secrets.ts).
 */
export const stripeConfigSchema = z.strictObject({
  /** Where the applicant lands after Stripe's page when a checkout names no return URL. */
  returnUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  /** How old a webhook's signed timestamp may be, in seconds (Stripe's default: 300). */
  toleranceSeconds: z.int().min(1).max(3600).default(300),
  /**
   * Stripe's API somewhere else than https://api.stripe.com (a forward proxy, a test server).
   * Plain http only to this machine: the secret key travels in each request.
   */
  apiUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => new URL(url).protocol === 'https:' || LOOPBACK_HOSTS.has(new URL(url).hostname), {
      error: 'plain http only to 127.0.0.1 or localhost',
    })
    .optional(),
});

/** A validated Stripe configuration. */
export type StripeConfig = z.infer<typeof stripeConfigSchema>;

/** host, port and protocol of `apiUrl`, as the stripe library takes them. */
export function stripeApiOf(
  config: StripeConfig,
): { host: string; port: number; protocol: 'http' | 'https' } | undefined {
  if (config.apiUrl === undefined) return undefined;
  const url = new URL(config.apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, protocol };
}
