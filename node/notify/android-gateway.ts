import { type SmsGateway, SmsGatewayError } from './sms-gateways.js';

/** A phone running "SMS Gateway for Android" (capcom6) with its local server on. */
export interface AndroidGatewayOptions {
  /** The phone's local server, e.g. `http://192.168.1.20:8080`. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** No answer within this time is a failure (default 15 s: a phone on Wi-Fi can be slow). */
  readonly timeoutMs?: number;
}

/**
 * `POST <url>/message` with Basic auth and `{ id, message, phoneNumbers, withDeliveryReport }`.
 * The SMS's key is the message's `id`, so the app keeps one message however often it is handed
 * over; a 409 (that id is already there) is taken as accepted. The id is also what the app's
 * sms:sent / sms:delivered / sms:failed webhooks name (`payload.messageId`).
 */
export function androidGateway(options: AndroidGatewayOptions): SmsGateway {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const url = new URL('message', withSlash(options.url));
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  return {
    async send(sms) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            ...(sms.key === undefined ? {} : { id: sms.key }),
            message: sms.text,
            phoneNumbers: [sms.to],
            withDeliveryReport: true,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new SmsGatewayError('the Android gateway is unreachable or too slow', 'gateway', {
          cause: error,
        });
      }
      const body = (await response.json().catch(() => ({}))) as { id?: unknown };
      if (response.status === 409 && sms.key !== undefined) return { providerId: sms.key };
      if (!response.ok) {
        // 400 is this message's; 401/403 (credentials), 429 and 5xx are the phone's or the account's.
        const scope = response.status === 400 ? 'message' : 'gateway';
        throw new SmsGatewayError(`the Android gateway answered ${response.status}`, scope);
      }
      const id = typeof body.id === 'string' ? body.id : sms.key;
      return id === undefined ? undefined : { providerId: id };
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
