import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * An address or a CIDR block (`196.12.0.10`, `196.12.0.0/24`, `2001:db8::/32`) as a range, IPv4
 * written only in four decimal parts: `10.1` or `0x0a.0.0.1`, which ipaddr.js also reads, are
 * refused, so a typo in the config never widens the block. An IPv4-mapped IPv6 block is read as
 * the IPv4 one it maps.
 */
function parseRange(text: string): Range | undefined {
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return ipaddr.IPv4.parseCIDR(text);
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return [ipaddr.IPv4.parse(text), 32];
  const v6: [ipaddr.IPv6, number] | undefined = ipaddr.IPv6.isValidCIDR(text)
    ? ipaddr.IPv6.parseCIDR(text)
    : ipaddr.IPv6.isValid(text)
      ? [ipaddr.IPv6.parse(text), 128]
      : undefined;
  if (v6 === undefined) return undefined;
  const [address, bits] = v6;
  if (address.isIPv4MappedAddress() && bits >= 96) return [address.toIPv4Address(), bits - 96];
  return v6;
}

/** True when `text` is an IP address or a CIDR block this module reads. */
export function isAddressRange(text: string): boolean {
  return parseRange(text) !== undefined;
}

/**
 * A test of client addresses against ranges. A dual-stack socket reports an IPv4 client as
 * `::ffff:a.b.c.d`: it is matched as the IPv4 address. An unreadable address is never in a range.
 */
export function addressMatcher(ranges: readonly string[]): (address: string) => boolean {
  const parsed = ranges.map((text) => {
    const range = parseRange(text);
    if (!range) throw new TypeError(`${text} is not an IP address or CIDR block`);
    return range;
  });
  return (address) => {
    if (!ipaddr.isValid(address)) return false;
    const client = ipaddr.process(address);
    return parsed.some(([base, bits]) => base.kind() === client.kind() && client.match(base, bits));
  };
}
