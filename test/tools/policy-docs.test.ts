import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../policies';
import { renderPolicyDocs } from '../../tools/policy-docs';

describe('docs/policies.md', () => {
  it('is what npm run docs:policies generates from the rules (regenerate it when this fails)', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../docs/policies.md'), 'utf8');
    expect(committed).toBe(renderPolicyDocs());
  });

  it('lists every rule', () => {
    const doc = renderPolicyDocs();
    for (const r of ALL_RULES) expect(doc).toContain(`| ${r.id} | ${r.severity} |`);
  });
});
