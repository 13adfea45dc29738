import { SMS_INBOUND_PATH } from '../../node/http/sms/sms-inbound-routes.js';

/**
 * The URL to give the SMS gateway for the SMS the mission's number receives (roll-call answers):
 * the node's inbound path under the address the gateway reaches it at, the gateway's token in the
 * query as for the USSD callback (one operator account carries both channels).
 */
export function smsCallbackUrl(baseUrl: string, token: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = new URL(SMS_INBOUND_PATH.slice(1), base);
  url.searchParams.set('token', token);
  return url.toString();
}
