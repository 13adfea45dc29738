import { CodedError } from '../../../common/errors/coded-error.js';
import type { SmsCapReason } from './sms-caps.js';

/** Stable codes of the SMS outbox's refusals. */
export const SmsErrorCode = {
  /** A cap on the SMS to this number, or to its range of numbers, is reached: try again later. */
  SmsLimit: 'sms_limit',
} as const;
export type SmsErrorCode = (typeof SmsErrorCode)[keyof typeof SmsErrorCode];

/** HTTP status of each code, for the node's error catalogue. */
export const SMS_ERROR_STATUS: Readonly<Record<SmsErrorCode, number>> = {
  sms_limit: 429,
};

/** An SMS refused by a cap: the change that asked for it must not be made (see WHEN_CAPPED). */
export class SmsCapError extends CodedError<typeof SmsErrorCode.SmsLimit> {
  override readonly name = 'SmsCapError';

  constructor(readonly reason: SmsCapReason) {
    super(SmsErrorCode.SmsLimit, 'too many SMS were sent to this number recently: try again later');
  }
}
