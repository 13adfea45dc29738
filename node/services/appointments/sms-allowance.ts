import type { WhenCapped } from '../outbox/sms-cap-policy.js';
import { type SmsPurpose, smsCapFor } from '../outbox/sms-outbox.js';
import type { AppointmentsContext } from './context.js';
import { AppointmentErrorCode, refuse } from './errors.js';

/**
 * Refuses with `sms_limit` when a cap on SMS stops the one this change would send (services/outbox/
 * sms-caps.ts): checked before the change writes anything. The answer is the same for every
 * number capped, whatever it has been sent.
 */
export function assertSmsAllowed(
  ctx: AppointmentsContext,
  sms: { readonly to: string; readonly purpose: SmsPurpose },
  now: Date,
  whenCapped: WhenCapped = 'refuse',
): void {
  if (smsCapFor(ctx.store, sms, now, { whenCapped }) !== undefined) {
    refuse(AppointmentErrorCode.SmsLimit, 'too many SMS were sent to this number recently: try again later');
  }
}

/** True when an SMS of this purpose may go to `to` now; a cap reached counts it as stopped. */
export function canText(ctx: AppointmentsContext, to: string, purpose: SmsPurpose, now: Date): boolean {
  return smsCapFor(ctx.store, { to, purpose }, now) === undefined;
}
