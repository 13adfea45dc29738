/**
 * The URL to give the USSD gateway's operator: the node's `/ussd` under the address the gateway
 * reaches it at, the token in the query (most gateways take a URL and nothing else). A base with a
 * path (`https://proxy.example/paris`) keeps it.
 */
export function ussdCallbackUrl(baseUrl: string, token: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = new URL('ussd', base);
  url.searchParams.set('token', token);
  return url.toString();
}
