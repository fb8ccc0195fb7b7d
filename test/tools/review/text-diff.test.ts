import { describe, expect, it } from 'vitest';
import { linesOf, unifiedDiff } from '../../../tools/review/text-diff';

describe('line diffs of long values', () => {
  it('shows removed then added lines with context, and folds distant unchanged lines', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const after = ['a', 'b', 'c', 'd', 'e', 'F', 'g', 'h', 'i', 'j'];
    expect(unifiedDiff(before, after, 1)).toEqual(['@@', ' e', '-f', '+F', ' g', '@@']);
    expect(unifiedDiff(['x'], ['x'])).toEqual([]);
    expect(unifiedDiff([], ['new'])).toEqual(['+new']);
  });

  it('compares JSON in strings by content, keys sorted, and multi-line text by line', () => {
    expect(linesOf('{"b":1,"a":[2]}')).toEqual(['{', '  "a": [', '    2', '  ],', '  "b": 1', '}']);
    expect(linesOf('one\ntwo\n')).toEqual(['one', 'two']);
    expect(linesOf('short')).toBeUndefined();
    expect(linesOf('{not json')).toBeUndefined();
    expect(linesOf(42)).toBeUndefined();
  });
});
