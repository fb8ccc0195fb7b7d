/**
 * IPv4 CIDR arithmetic done at synth, so subnet layouts are deterministic, reviewable in the
 * synthesized JSON, and checked for overlaps before anything is written.
 */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0-32. */
  readonly prefix: number;
}

// No leading zeros: '010.0.0.0/8' is octal to some parsers and refused by AWS.
const OCTET = '(0|[1-9]\\d{0,2})';
const CIDR_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}\\/(0|[1-9]\\d?)$`);

/**
 * Parses `a.b.c.d/n`. Returns `undefined` for anything that is not a canonical IPv4 CIDR
 * (octets 0-255, prefix 0-32, no host bits set).
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const network = (address & mask(prefix)) >>> 0;
  if (network !== address) return undefined;
  return { network, prefix };
}

/** Like {@link parseCidr} but throws; for values already validated by the schema. */
export function mustParseCidr(text: string): Ipv4Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`not a canonical IPv4 CIDR: '${text}'`);
  return cidr;
}

export function formatCidr(cidr: Ipv4Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

/** Terraform's `cidrsubnet(prefix, newbits, netnum)`, computed at synth. */
export function cidrSubnet(parent: Ipv4Cidr, newBits: number, netNum: number): Ipv4Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32) throw new Error(`cannot add ${newBits} bits to a /${parent.prefix}`);
  if (netNum < 0 || netNum >= 2 ** newBits) {
    throw new Error(`subnet number ${netNum} does not fit in ${newBits} bits`);
  }
  const network = (parent.network + netNum * 2 ** (32 - prefix)) >>> 0;
  return { network, prefix };
}

/** True when the two ranges share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const shorter = Math.min(a.prefix, b.prefix);
  return (a.network & mask(shorter)) >>> 0 === (b.network & mask(shorter)) >>> 0;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrsOverlap(outer, inner);
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Addresses the CIDRs cover together, overlaps counted once (2^32 = the whole IPv4 internet). */
export function coveredAddresses(cidrs: readonly Ipv4Cidr[]): number {
  const ranges = cidrs.map((c) => [c.network, c.network + 2 ** (32 - c.prefix)] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = 0;
  for (const [start, stop] of ranges) {
    if (stop <= end) continue;
    total += stop - Math.max(start, end);
    end = stop;
  }
  return total;
}

/** True when the CIDRs together admit every IPv4 address (0.0.0.0/0, or halves like 0.0.0.0/1 + 128.0.0.0/1). */
export function coversInternet(texts: readonly string[]): boolean {
  return coveredAddresses(texts.map(parseCidr).filter((c): c is Ipv4Cidr => c !== undefined)) === 2 ** 32;
}
