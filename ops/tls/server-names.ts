import { isIPv4, isIPv6 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** The names and addresses the counters type to reach the node: the server certificate's SANs. */
export interface ServerNames {
  readonly names: readonly string[];
  readonly ips: readonly string[];
}

// RFC 1123 §2.1 host names: labels of letters, digits and hyphens, not starting or ending with one.
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True when `name` can stand in a certificate as a DNS name (no wildcard: one machine, its names). */
export function isDnsName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

/**
 * What a node is reached by when the operator names nothing: the machine's host name and its
 * IPv4 addresses on the LAN, and the loopback for the IT referent on the machine itself. IPv6
 * addresses are left out: on these LANs they are mostly link-local and change with the interface.
 */
export function defaultServerNames(): ServerNames {
  const host = hostname().toLowerCase();
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && address.family === 'IPv4' && !address.internal)
    .map((address) => address?.address ?? '');
  return serverNames([...(isDnsName(host) ? [host] : []), 'localhost'], [...lan, '127.0.0.1']);
}

/** Checked and deduplicated names; a TypeError names the first one a certificate cannot carry. */
export function serverNames(names: readonly string[], ips: readonly string[]): ServerNames {
  const cleanNames = [...new Set(names.map((name) => name.trim().toLowerCase()))];
  const cleanIps = [...new Set(ips.map((ip) => ip.trim()))];
  const badName = cleanNames.find((name) => !isDnsName(name));
  if (badName !== undefined) throw new TypeError(`${badName} is not a host name (--tls-name)`);
  const badIp = cleanIps.find((ip) => !isIPv4(ip) && !isIPv6(ip));
  if (badIp !== undefined) throw new TypeError(`${badIp} is not an IP address (--tls-ip)`);
  if (cleanNames.length + cleanIps.length === 0)
    throw new TypeError('a certificate needs a name or an address');
  return { names: cleanNames, ips: cleanIps };
}
