import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CodedError } from '../../common/errors/coded-error.js';

/** One SMS handed to a gateway. */
export interface OutgoingSms {
  readonly to: string;
  readonly text: string;
  /**
   * The same for every attempt at this SMS and different for any other: a gateway that honours it
   * sends the SMS once however many times it is handed over (a retry after a lost answer, a crash
   * between the gateway's answer and the outbox's record of it).
   */
  readonly key?: string;
}

/** What a gateway may say of an SMS it accepted: its own id, which its delivery receipts name. */
export interface SmsAccepted {
  readonly providerId: string;
}

/** Hands one SMS to an operator. Rejects when the message was not accepted. */
export interface SmsGateway {
  // void kept beside undefined: gateways written before receipts resolve nothing at all.
  // biome-ignore lint/suspicious/noConfusingVoidType: see above
  send(sms: OutgoingSms): Promise<SmsAccepted | undefined | void>;
  /** Closes what the gateway holds open (an SMPP bind); optional. */
  close?(): Promise<void>;
}

/**
 * Why a gateway refused. `gateway`: the gateway itself is unwell (unreachable, too slow, 5xx,
 * throttling) and the next SMS would fare no better; `message`: this SMS was refused (a 4xx on
 * its content), the others may go.
 */
export type SmsFailureScope = 'gateway' | 'message';

/** The code of a gateway's refusal, one per scope, for logs and the outbox's failure column. */
export const SMS_GATEWAY_CODES = { gateway: 'sms_gateway_unavailable', message: 'sms_refused' } as const;

/** A refusal of a gateway. Its message is shown to agents: it never holds the number or the text. */
export class SmsGatewayError extends CodedError<(typeof SMS_GATEWAY_CODES)[SmsFailureScope]> {
  override readonly name = 'SmsGatewayError';

  constructor(
    message: string,
    readonly scope: SmsFailureScope,
    options?: { cause?: unknown },
  ) {
    super(SMS_GATEWAY_CODES[scope], message, options);
  }
}

/** The scope of any failure of `send`: only a gateway's own verdict on a message is `message`. */
export function failureScope(error: unknown): SmsFailureScope {
  return error instanceof SmsGatewayError ? error.scope : 'gateway';
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

/** Where and how the HTTP gateway is reached. */
export interface HttpSmsGatewayOptions {
  readonly url: string;
  readonly token: string;
  /** No answer within this time is a failure (default 10 s). */
  readonly timeoutMs?: number;
}

// 408 and 429 say "not now", 5xx "not me": the gateway, not the message, is at fault.
function isGatewayStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * An HTTP gateway: POSTs `{ to, text }` as JSON with a bearer token and the SMS's key in an
 * `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header); any status but 2xx, or no
 * answer within the timeout, is a failure and the SMS is retried later.
 */
export function httpSmsGateway(options: HttpSmsGatewayOptions): SmsGateway {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async send(sms) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: `Bearer ${options.token}`,
        ...(sms.key === undefined ? {} : { 'idempotency-key': sms.key }),
      };
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ to: sms.to, text: sms.text }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw unreachable(error, timeoutMs);
      }
      // Free the connection: the answer's body says nothing the outbox keeps.
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) {
        const scope = isGatewayStatus(response.status) ? 'gateway' : 'message';
        throw new SmsGatewayError(`gateway answered ${response.status}`, scope);
      }
    },
  };
}

function unreachable(error: unknown, timeoutMs: number): SmsGatewayError {
  const name = (error as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new SmsGatewayError(`gateway did not answer within ${timeoutMs} ms`, 'gateway', { cause: error });
  }
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  const reason = typeof code === 'string' ? code : 'network error';
  return new SmsGatewayError(`gateway unreachable (${reason})`, 'gateway', { cause: error });
}
