import { describe, expect, it } from 'vitest';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { moveFrom } from '../../../constructs/core/moved';
import { synthWith } from '../../helpers';

describe('moveFrom', () => {
  it('collects every move of a stack into one moved list', () => {
    const json = synthWith((scope) => {
      moveFrom(new KmsKey(scope, 'A', {}), 'aws_kms_key.OldA');
      moveFrom(new KmsKey(scope, 'B', {}), 'aws_kms_key.OldB');
    }) as unknown as { moved: { from: string; to: string }[] };
    expect(json.moved.map((m) => m.from)).toEqual(['aws_kms_key.OldA', 'aws_kms_key.OldB']);
    expect(json.moved.map((m) => m.to)).toEqual([
      expect.stringMatching(/^aws_kms_key\.A(_[0-9A-F]+)?$/),
      expect.stringMatching(/^aws_kms_key\.B(_[0-9A-F]+)?$/),
    ]);
  });
});
