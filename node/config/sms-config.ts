import { z } from 'zod';

// Plain http only to this machine (a test server, a tunnel): credentials never cross a network in clear.
function isSafeUrl(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * The SMS adapter of node.json `sms`, by `gateway`. The secrets (SMPP password, Africa's Talking
 * API key, the Android app's password and webhook signing key) are never here: sms-secrets.ts.
 */
export const smsConfigSchema = z
  .discriminatedUnion('gateway', [
    z.strictObject({ gateway: z.literal('file'), file: z.string().optional() }),
    z.strictObject({ gateway: z.literal('http'), url: z.url(), token: z.string().min(1) }),
    z.strictObject({
      gateway: z.literal('smpp'),
      host: z.string().min(1),
      port: z.int().min(1).max(65535).default(2775),
      systemId: z.string().min(1).max(15),
      systemType: z.string().max(12).optional(),
      /** The sender id or number the SMS show (source_addr). */
      sourceAddr: z.string().min(1).max(20),
      /** The account's rate in submit_sm per second, as the operator's contract gives it. */
      messagesPerSecond: z.number().positive().max(1000).default(10),
      enquireLinkSeconds: z.int().min(5).max(600).default(30),
    }),
    z.strictObject({
      gateway: z.literal('africastalking'),
      username: z.string().min(1),
      /** A registered sender id or short code; the account's default when absent. */
      from: z.string().min(1).max(20).optional(),
      apiUrl: z
        .url()
        .refine(isSafeUrl, 'https, or http to this machine')
        .default('https://api.africastalking.com'),
    }),
    z.strictObject({
      gateway: z.literal('android'),
      /** The phone's local server (SMS Gateway for Android), e.g. `http://192.168.1.20:8080` on the LAN. */
      url: z.url(),
      username: z.string().min(1).default('sms'),
    }),
  ])
  .default({ gateway: 'file' });

/** The SMS adapter's settings. */
export type SmsConfig = z.infer<typeof smsConfigSchema>;
