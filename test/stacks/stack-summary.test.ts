import { describe, expect, it } from 'vitest';
import { stackSummary } from './stack-summary';

const stack = (over: Record<string, unknown> = {}) => ({
  '//': { metadata: { version: '0.21.0' } },
  terraform: { backend: { s3: { bucket: 'b', key: 'k' } } },
  resource: {
    aws_vpc: { Network_Vpc_1: { cidr_block: '10.0.0.0/16', tags: { Name: 'v' }, '//': { metadata: { path: 'a/b' } }, ...over } },
  },
  output: { vpc_id: { value: '${aws_vpc.Network_Vpc_1.id}' } },
  moved: [{ from: 'aws_vpc.Old', to: 'aws_vpc.Network_Vpc_1' }],
});

describe('stackSummary (the reference snapshots)', () => {
  it('lists every block by address and shows the attributes that force replacement', () => {
    const lines = stackSummary(stack()).trim().split('\n');
    expect(lines.map((l) => l.replace(/#[0-9a-f]{12}/, '#…'))).toEqual([
      'terraform  #…',
      'aws_vpc.Network_Vpc_1  #…',
      '  cidr_block = "10.0.0.0/16"',
      'output.vpc_id  #…',
      'moved aws_vpc.Old -> aws_vpc.Network_Vpc_1',
    ]);
  });

  it('changes a line for any attribute change, replacement-relevant or not', () => {
    const base = stackSummary(stack());
    expect(stackSummary(stack({ tags: { Name: 'w' } }))).not.toBe(base);
    expect(stackSummary(stack({ cidr_block: '10.1.0.0/16' }))).toContain('cidr_block = "10.1.0.0/16"');
  });

  it('does not change with key order or cdktf metadata', () => {
    const base = stackSummary(stack());
    const reordered = stack();
    reordered.resource.aws_vpc.Network_Vpc_1 = {
      tags: { Name: 'v' },
      cidr_block: '10.0.0.0/16',
      '//': { metadata: { path: 'x/y' } },
    } as never;
    expect(stackSummary(reordered)).toBe(base);
  });
});
