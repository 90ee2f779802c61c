/**
 * Addresses a webhook is never sent to: link-local ones (where clouds serve instance metadata and
 * credentials, 169.254.169.254 and fe80::/10), the unspecified address (0.0.0.0 and ::, which
 * reach this machine), multicast and broadcast. Loopback and private networks stay allowed: a
 * self-hosted ticket system on the same machine or network is a real receiver.
 *
 * Addresses written in the URL are judged as they are saved (in any form WHATWG URL parsing
 * accepts, such as http://2852039166/ or http://[::ffff:169.254.169.254]/, which it turns into the
 * canonical one); a name is judged by what it resolves to, each time a webhook is sent
 * (refusedResolvedAddress).
 */
export function refusedWebhookAddress(url: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined; // not a URL: the URL check says so
  }
  if (hostname === 'metadata.google.internal' || hostname === '[fd00:ec2::254]') return 'a cloud metadata service';
  if (hostname.startsWith('[')) return refusedIpv6(hostname.slice(1, -1));
  const v4 = ipv4(hostname);
  return v4 ? refusedIpv4(v4) : undefined;
}

/** The URL's host when it is a name, to be judged by what it resolves to; undefined for an address written in the URL (judged by refusedWebhookAddress) or no URL at all. */
export function hostNameToResolve(url: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return hostname.startsWith('[') || ipv4(hostname) ? undefined : hostname;
}

/** Why an address a name resolved to (as node:dns writes it) is refused, if it is. */
export function refusedResolvedAddress(address: string): string | undefined {
  const v4 = ipv4(address);
  if (v4) return refusedIpv4(v4);
  // "::ffff:169.254.169.254": the IPv4 part as the last two groups; "fe80::1%eth0": without its zone.
  const mixed = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  const text = mixed ? `${mixed[1]}${((Number(mixed[2]) << 8) | Number(mixed[3])).toString(16)}:${((Number(mixed[4]) << 8) | Number(mixed[5])).toString(16)}` : address;
  return refusedIpv6(text.toLowerCase().replace(/%.*$/, ''));
}

function ipv4(text: string): number[] | undefined {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  return parts ? parts.slice(1).map(Number) : undefined;
}

function refusedIpv4([a, b, c, d]: number[]): string | undefined {
  if (a === 169 && b === 254) return 'a link-local address (such as cloud instance metadata)';
  if (a === 0) return 'the unspecified address';
  if (a! >= 224 && a! <= 239) return 'a multicast address';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'the broadcast address';
  return undefined;
}

function refusedIpv6(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  if (groups.every((g) => g === 0)) return 'the unspecified address';
  if ((groups[0]! & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((groups[0]! & 0xff00) === 0xff00) return 'a multicast address';
  // An IPv4-mapped address (::ffff:a.b.c.d) reaches the IPv4 one.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return refusedIpv4([groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff]);
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address as URL parsing writes it (hex groups, at most one "::"). */
function expandIpv6(address: string): number[] | undefined {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const groups = tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
