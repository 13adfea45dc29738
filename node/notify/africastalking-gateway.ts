import { type SmsFailureScope, type SmsGateway, SmsGatewayError } from './sms-gateways.js';

/** An Africa's Talking account (or a gateway speaking its API). */
export interface AfricasTalkingGatewayOptions {
  /** Default `https://api.africastalking.com`; the sandbox is `https://api.sandbox.africastalking.com`. */
  readonly apiUrl: string;
  readonly username: string;
  readonly apiKey: string;
  /** The registered sender id or short code; the account's default when absent. */
  readonly from?: string;
  /** No answer within this time is a failure (default 10 s). */
  readonly timeoutMs?: number;
}

// Africa's Talking, SMS "Send" response, Recipients[].statusCode: 100 Processed, 101 Sent,
// 102 Queued are accepted. Of the refusals, those about this number are the message's; those
// about the account (risk hold, sender id, balance) and the platform's own errors are the
// gateway's: the next SMS would be refused too.
const ACCEPTED = new Set([100, 101, 102]);
const MESSAGE_CODES = new Set([403, 404, 406, 407, 409, 502]);

function scopeOfCode(code: number): SmsFailureScope {
  return MESSAGE_CODES.has(code) ? 'message' : 'gateway';
}

interface AtRecipient {
  readonly statusCode?: unknown;
  readonly status?: unknown;
  readonly messageId?: unknown;
}

/**
 * `POST <apiUrl>/version1/messaging`, form-encoded (`username`, `to`, `message`, `from`), the
 * `apiKey` header, `Accept: application/json`. Africa's Talking keys nothing by idempotency: an
 * answer lost after it took the SMS leads to a second SMS on retry.
 */
export function africasTalkingGateway(options: AfricasTalkingGatewayOptions): SmsGateway {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = new URL('/version1/messaging', options.apiUrl);
  return {
    async send(sms) {
      const form = new URLSearchParams({ username: options.username, to: sms.to, message: sms.text });
      if (options.from) form.set('from', options.from);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            apiKey: options.apiKey,
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: form.toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new SmsGatewayError('Africa’s Talking unreachable or too slow', 'gateway', { cause: error });
      }
      const body = await response.text().catch(() => '');
      // 401: the key or username is wrong; 5xx and 429: not now. Any other 4xx is about the request.
      if (!response.ok) {
        const scope =
          response.status === 401 || response.status === 429 || response.status >= 500
            ? 'gateway'
            : 'message';
        throw new SmsGatewayError(`Africa’s Talking answered ${response.status}`, scope);
      }
      const recipient = recipientOf(body);
      if (recipient === undefined)
        throw new SmsGatewayError('Africa’s Talking answered no recipient', 'gateway');
      const code = Number(recipient.statusCode);
      if (ACCEPTED.has(code) && typeof recipient.messageId === 'string')
        return { providerId: recipient.messageId };
      throw new SmsGatewayError(
        `Africa’s Talking refused the SMS (${code} ${String(recipient.status)})`,
        scopeOfCode(code),
      );
    },
  };
}

function recipientOf(body: string): AtRecipient | undefined {
  try {
    const parsed = JSON.parse(body) as { SMSMessageData?: { Recipients?: AtRecipient[] } };
    return parsed.SMSMessageData?.Recipients?.[0];
  } catch {
    return undefined;
  }
}

// Africa's Talking delivery reports, `status`: Success is on the handset; Failed, Rejected,
// AbsentSubscriber and Expired are final failures; Sent, Submitted and Buffered wait.
const REPORT_STATES: Record<string, 'delivered' | 'undelivered'> = {
  Success: 'delivered',
  Failed: 'undelivered',
  Rejected: 'undelivered',
  AbsentSubscriber: 'undelivered',
  Expired: 'undelivered',
};

/** The verdict of an Africa's Talking delivery report, or undefined for a state that is not final. */
export function africasTalkingDelivery(status: string): 'delivered' | 'undelivered' | undefined {
  return REPORT_STATES[status];
}
