import { describe, expect, it } from 'vitest';
import { cidrContains, cidrsOverlap, cidrSubnet, formatCidr, mustParseCidr, parseCidr } from '../../model/cidr';

describe('parseCidr', () => {
  it.each(['10.0.0.0/16', '0.0.0.0/0', '192.168.1.128/25', '255.255.255.255/32'])('parses %s and formats it back', (text) => {
    expect(formatCidr(mustParseCidr(text))).toBe(text);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0.1/16', 'ten/8', ' 10.0.0.0/16', '10.0.0/16'])('rejects %s', (text) =>
    expect(parseCidr(text)).toBeUndefined(),
  );
});

describe('cidrSubnet', () => {
  it("matches Terraform's cidrsubnet", () => {
    // cidrsubnet("10.1.0.0/16", 4, 15) = "10.1.240.0/20"; cidrsubnet("10.1.0.0/16", 8, 2) = "10.1.2.0/24"
    expect(formatCidr(cidrSubnet(mustParseCidr('10.1.0.0/16'), 4, 15))).toBe('10.1.240.0/20');
    expect(formatCidr(cidrSubnet(mustParseCidr('10.1.0.0/16'), 8, 2))).toBe('10.1.2.0/24');
    expect(formatCidr(cidrSubnet(mustParseCidr('172.16.0.0/12'), 4, 15))).toBe('172.31.0.0/16');
  });

  it('throws when the number does not fit the bits', () => {
    expect(() => cidrSubnet(mustParseCidr('10.0.0.0/16'), 2, 4)).toThrow(/does not fit in 2 bits/);
    expect(() => cidrSubnet(mustParseCidr('10.0.0.0/30'), 3, 0)).toThrow(/cannot add 3 bits/);
  });
});

describe('overlap and containment', () => {
  const c = mustParseCidr;
  it('detects overlap in both directions and none between neighbours', () => {
    expect(cidrsOverlap(c('10.0.0.0/16'), c('10.0.5.0/24'))).toBe(true);
    expect(cidrsOverlap(c('10.0.5.0/24'), c('10.0.0.0/16'))).toBe(true);
    expect(cidrsOverlap(c('10.0.0.0/24'), c('10.0.1.0/24'))).toBe(false);
    expect(cidrsOverlap(c('0.0.0.0/0'), c('192.168.0.0/16'))).toBe(true);
  });

  it('containment is one-way', () => {
    expect(cidrContains(c('10.0.0.0/16'), c('10.0.5.0/24'))).toBe(true);
    expect(cidrContains(c('10.0.5.0/24'), c('10.0.0.0/16'))).toBe(false);
  });
});
