import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMAGES, LITELLM_WITHDRAWN, litellmPinProblems } from '../../model/pins';

describe('the LiteLLM pin', () => {
  it('has every setting the gateway configuration relies on, and is no compromised release', () => {
    expect(litellmPinProblems(IMAGES.litellm.tag)).toEqual([]);
    expect(IMAGES.litellm.repository).toBe('ghcr.io/berriai/litellm-non_root');
  });

  it('fails on the old pin v1.97.0 (no IAM coordination Redis, no semantic cache scope)', () => {
    const problems = litellmPinProblems('v1.97.0');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('coordination_redis.aws_iam_*');
    expect(problems[1]).toContain('semantic_cache_scope');
  });

  it('fails on the compromised releases and on moving tags', () => {
    for (const v of LITELLM_WITHDRAWN) expect(litellmPinProblems(`v${v}`).join()).toContain('compromised release');
    expect(litellmPinProblems('main-latest')).toEqual(['LiteLLM tag "main-latest" is not a release tag vX.Y.Z']);
    // Release order is numeric, not lexical: 1.100.5 comes after 1.99.2.
    expect(litellmPinProblems('v1.99.2')).toHaveLength(2);
    expect(litellmPinProblems('v1.101.0')).toHaveLength(1);
  });

  it('Renovate never proposes a compromised release', () => {
    const rules = (
      JSON.parse(readFileSync('renovate.json', 'utf8')) as { packageRules: { matchPackageNames: string[]; allowedVersions?: string }[] }
    ).packageRules;
    const rule = rules.find((r) => r.matchPackageNames.includes(IMAGES.litellm.repository));
    const negated = /^!\/(.*)\/$/.exec(rule?.allowedVersions ?? '');
    expect(negated).not.toBeNull();
    const denied = new RegExp(negated![1]);
    for (const v of LITELLM_WITHDRAWN) expect(denied.test(`v${v}`)).toBe(true);
    expect(denied.test(IMAGES.litellm.tag)).toBe(false);
  });
});
