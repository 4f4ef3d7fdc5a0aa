/**
 * Whether a CIDR opens an endpoint to a large part of the internet. Not only `0.0.0.0/0`: the two
 * halves `0.0.0.0/1` and `128.0.0.0/1` are the whole internet too, and any prefix shorter than /8
 * (IPv4) or /16 (IPv6) spans more addresses than an office or VPN range ever does. Pure: used by the
 * stack-config check and the policies.
 */
export const MIN_IPV4_PREFIX = 8;
/** The IPv6 counterpart of `MIN_IPV4_PREFIX`. */
export const MIN_IPV6_PREFIX = 16;

/** A CIDR (`a.b.c.d/n` or an IPv6 `x::/n`) whose prefix is shorter than the minimum of its family. */
export function openToTheInternet(cidr: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return false;
  const prefix = Number(m[2]);
  return m[1].includes(":") ? prefix < MIN_IPV6_PREFIX : prefix < MIN_IPV4_PREFIX;
}
