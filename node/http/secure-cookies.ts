import type { NodeConfig } from '../config/config.js';

/**
 * Whether the node's cookies carry Secure: as `http.secureCookies` says when it is set, else
 * whenever the pages reach browsers over TLS — the node serves HTTPS itself (`http.tls`), or it
 * trusts a proxy (`http.trustProxy`), which on these LANs is there to terminate TLS. A Secure
 * cookie is never sent back over plain HTTP, so a session cannot leak to a sniffer on the LAN.
 */
export function hasSecureCookies(
  http: Pick<NodeConfig['http'], 'secureCookies' | 'tls' | 'trustProxy'>,
): boolean {
  return http.secureCookies ?? (http.tls !== undefined || http.trustProxy.length > 0);
}
