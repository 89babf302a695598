// The key a client address is counted under by the per-address limits. An IPv6 client usually holds a whole
// /64 (RFC 6177, one /64 per subscriber at the least), so counting each of its 2^64 addresses apart would hand
// it a fresh counter per request; IPv4-mapped IPv6 (`::ffff:192.0.2.1`, how a dual-stack socket reports an IPv4
// peer) is the IPv4 client it maps. Parsing is ipaddr.js's, which knows every IPv6 spelling (`::`, zone ids,
// dotted tails) that a hand-written split(':') gets wrong.
import ipaddr from 'ipaddr.js';

/** Prefix length an IPv6 client is counted by. */
export const IPV6_BUCKET_PREFIX_LENGTH = 64;

/**
 * Not an address at all (the socket has closed, or a misconfigured proxy forwarded junk): every such caller
 * shares one counter, so junk cannot mint fresh ones.
 */
export const UNPARSEABLE_ADDRESS_BUCKET = 'unparseable';

/** `2001:db8:1:2::7` → `2001:db8:1:2::/64`; `::ffff:192.0.2.1` → `192.0.2.1`; `192.0.2.1` → itself. */
export function addressBucket(clientAddress: string): string {
  if (!ipaddr.isValid(clientAddress)) return UNPARSEABLE_ADDRESS_BUCKET;
  const parsed = ipaddr.parse(clientAddress);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(
    `${ipv6.toNormalizedString()}/${IPV6_BUCKET_PREFIX_LENGTH}`,
  );
  return `${network.toRFC5952String()}/${IPV6_BUCKET_PREFIX_LENGTH}`;
}
