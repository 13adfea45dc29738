import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { normalisePhone } from '../../crypto/blind-index.js';

/**
 * The callback of African USSD gateways (Africa's Talking and those that copied it): a form POST
 * (or JSON) at each step of the session. Unknown fields are let through and ignored: gateways add
 * their own.
 */
export const ussdCallbackSchema = z.looseObject({
  sessionId: z.string().trim().min(1).max(128),
  serviceCode: z.string().trim().min(1).max(40),
  phoneNumber: z.string().trim().min(3).max(32),
  networkCode: z.string().trim().max(20).optional(),
  /** The caller's answers so far joined with `*`; empty (or absent) at the first step. */
  text: z.string().max(1000).default(''),
});

/**
 * The caller's number in E.164, or undefined. Gateways send `+23672…`, some drop the `+`; a
 * national form is read in the mission's host country.
 */
export function callerPhone(raw: string, region: CountryCode): string | undefined {
  const typed = raw.replace(/[\s().-]/g, '');
  const asGiven = normalisePhone(typed, region);
  if (asGiven !== undefined || !/^\d{8,15}$/.test(typed)) return asGiven;
  return normalisePhone(`+${typed}`, region);
}

/** A rate-limit key that is not the phone number: the limiter's memory holds no numbers. */
export function limitKey(kind: 'phone' | 'session', value: string): string {
  return `ussd:${kind}:${createHash('sha256').update(value).digest('base64url').slice(0, 22)}`;
}
