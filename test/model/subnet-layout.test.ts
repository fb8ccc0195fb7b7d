import { describe, expect, it } from 'vitest';
import { cidrContains, cidrsOverlap, mustParseCidr } from '../../model/cidr';
import { defaultLayoutSmallestPrefix, defaultSubnetLayout } from '../../model/subnet-layout';

describe('defaultSubnetLayout', () => {
  it('gives a /16 with 3 zones private /19s and public and data /22s', () => {
    expect(defaultSubnetLayout('10.30.0.0/16', 3)).toEqual({
      private: ['10.30.0.0/19', '10.30.32.0/19', '10.30.64.0/19'],
      public: ['10.30.128.0/22', '10.30.132.0/22', '10.30.136.0/22'],
      data: ['10.30.144.0/22', '10.30.148.0/22', '10.30.152.0/22'],
    });
  });

  it.each([
    ['10.0.0.0/16', 2],
    ['10.0.0.0/16', 3],
    ['10.0.0.0/16', 4],
    ['10.0.0.0/16', 6],
    ['10.0.0.0/20', 3],
    ['192.168.0.0/22', 2],
  ])('keeps every subnet of %s with %i zones inside the VPC and disjoint', (vpcText, zones) => {
    const vpc = mustParseCidr(vpcText);
    const layout = defaultSubnetLayout(vpcText, zones);
    const all = [...layout.private, ...layout.public, ...layout.data].map(mustParseCidr);
    expect(all).toHaveLength(zones * 3);
    for (const s of all) expect(cidrContains(vpc, s)).toBe(true);
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) expect(cidrsOverlap(all[i], all[j])).toBe(false);
    }
    expect(Math.max(...all.map((s) => s.prefix))).toBe(defaultLayoutSmallestPrefix(vpc.prefix, zones));
  });

  it('makes private subnets larger than public ones (pods take VPC addresses)', () => {
    const layout = defaultSubnetLayout('10.0.0.0/16', 2);
    expect(mustParseCidr(layout.private[0]).prefix).toBeLessThan(mustParseCidr(layout.public[0]).prefix);
  });
});
