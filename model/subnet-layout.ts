import { cidrSubnet, formatCidr, mustParseCidr } from './cidr';

/** The three subnet tiers of the VPC, one subnet per availability zone in each. */
export interface SubnetLayout {
  /** Nodes and pods (VPC CNI gives pods VPC addresses, so this tier is the largest). */
  readonly private: readonly string[];
  /** Load balancers and NAT gateways. */
  readonly public: readonly string[];
  /** Databases and caches: no route to the internet in either direction. */
  readonly data: readonly string[];
}

/** AWS does not allow subnets smaller than /28. */
export const SMALLEST_SUBNET_PREFIX = 28;

/**
 * The default layout for `azCount` zones in `vpcCidr`, computed at synth.
 *
 * With n = azCount rounded up to a power of two, the VPC is cut into 2n equal blocks: blocks
 * 0..azCount-1 are the private subnets, block n is cut again into 2n pieces for the public
 * (0..azCount-1) and data (n..n+azCount-1) subnets; the rest stays free for later tiers.
 * A /16 with 3 zones gives private /19s and public and data /22s.
 */
export function defaultSubnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const vpc = mustParseCidr(vpcCidr);
  const slots = nextPowerOfTwo(azCount);
  const bits = Math.log2(slots) + 1;
  const smallBlock = cidrSubnet(vpc, bits, slots);
  const zones = [...Array(azCount).keys()];
  return {
    private: zones.map((i) => formatCidr(cidrSubnet(vpc, bits, i))),
    public: zones.map((i) => formatCidr(cidrSubnet(smallBlock, bits, i))),
    data: zones.map((i) => formatCidr(cidrSubnet(smallBlock, bits, slots + i))),
  };
}

/** Prefix length of the smallest (public and data) subnets of the default layout. */
export function defaultLayoutSmallestPrefix(vpcPrefix: number, azCount: number): number {
  return vpcPrefix + 2 * (Math.log2(nextPowerOfTwo(azCount)) + 1);
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
