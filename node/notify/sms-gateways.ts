import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Hands one SMS to an operator. Rejects when the message was not accepted. */
export interface SmsGateway {
  send(sms: { to: string; text: string }): Promise<void>;
}

/**
 * The development gateway: appends each SMS as a JSON line (`to`, `text`, `at`) to a file, so the
 * demo and the browser tests can read confirmation codes.
 */
export function fileSmsGateway(path: string, now: () => Date = () => new Date()): SmsGateway {
  return {
    async send(sms) {
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, `${JSON.stringify({ to: sms.to, text: sms.text, at: now().toISOString() })}\n`, {
        mode: 0o600,
      });
    },
  };
}

/**
 * An HTTP gateway: POSTs `{ to, text }` as JSON with a bearer token; any status but 2xx, or no
 * answer within the timeout, is a failure and the SMS is retried later.
 */
export function httpSmsGateway(options: { url: string; token: string; timeoutMs?: number }): SmsGateway {
  return {
    async send(sms) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ to: sms.to, text: sms.text }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`gateway answered ${response.status}`);
    },
  };
}
