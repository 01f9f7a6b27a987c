/**
 * What a webhook may target. A consumer's URL is checked twice:
 *
 * - at boot (`checkWebhookUrl`): the scheme (https; http only to localhost in
 *   development and test), no credentials in the URL, and a literal address
 *   that is not private, loopback, link-local or a cloud metadata address;
 * - at every connection (`guardedLookup`, the lookup of the undici agent that
 *   delivers): every address the name resolves to, so that a name pointed at
 *   an internal address after boot (DNS rebinding) is refused too.
 *
 * Redirects are never followed (a 3xx is a failed delivery), so a consumer
 * cannot bounce a delivery to an address the guard would refuse.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export type WebhookMode = 'production' | 'development' | 'test';

/** Addresses no webhook reaches in production; in development and test, loopback is allowed. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, and the metadata address 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 onto IPv4, possibly internal
  ['fc00::', 7], // unique local, including AWS's metadata address fd00:ec2::254
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Names that mean the machine itself or a cloud's metadata service, refused before any lookup. */
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/** Why an address may not be reached in `mode`, or undefined when it may. */
export function addressProblem(address: string, mode: WebhookMode): string | undefined {
  let a = address.replace(/^\[|\]$/g, '');
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1] as string;
  const family = isIP(a);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (mode !== 'production' && loopback.check(a, type)) return undefined;
  if (blocked.check(a, type)) return `${address} is a private, loopback, link-local or metadata address`;
  return undefined;
}

/** Why `raw` may not be a webhook's URL in `mode`, or undefined when it may. */
export function checkWebhookUrl(raw: string, mode: WebhookMode): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `expected an absolute URL such as https://hooks.example.com/retail, got '${raw}'`;
  }
  if (url.username || url.password) return 'a webhook URL may not carry credentials: sign with the secret instead';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const isLoopbackName = LOOPBACK_NAMES.has(host) || host.endsWith('.localhost');
  const literal = isIP(host) !== 0;
  const local = isLoopbackName || (literal && loopback.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6'));
  if (url.protocol === 'http:') {
    if (mode === 'production') return `expected https in production, got ${raw}`;
    if (!local) return `http is allowed only to localhost (in development and test), got ${raw}; use https`;
  } else if (url.protocol !== 'https:') return `expected an https URL, got ${url.protocol}`;
  if (METADATA_NAMES.has(host)) return `${host} is a cloud metadata service`;
  if (isLoopbackName && mode === 'production') return `${host} is this machine: not a webhook target in production`;
  if (literal) return addressProblem(host, mode);
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for sockets that refuses a name resolving to any address the mode
 * forbids (all of them are checked, not only the one connected to, since the
 * connection may try each in turn).
 */
export function guardedLookup(mode: WebhookMode): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as unknown as LookupAddress[];
      const bad = list.map((a) => addressProblem(a.address, mode)).find((p) => p !== undefined);
      if (bad || list.length === 0) {
        const refusal: NodeJS.ErrnoException = new Error(`refused to connect to ${hostname}: ${bad ?? 'no address'}`);
        refusal.code = 'EWEBHOOKADDRESS';
        return callback(refusal, []);
      }
      if (options.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}
