import { describe, expect, it } from 'vitest';
import { deployJobs, deployOrder } from '../../tools/deploy-order';

describe('deploy order (npm run stacks)', () => {
  const manifest = {
    stacks: {
      'acme-serving': { dependencies: ['acme-platform', 'acme-data'] },
      'acme-platform': { dependencies: ['acme-cluster', 'acme-data'] },
      'acme-data': { dependencies: ['acme-cluster', 'acme-network'] },
      'acme-cluster': { dependencies: ['acme-network'] },
      'acme-network': { dependencies: [] },
      // An environment whose name starts with the other's: not one of its stacks.
      'acme-eu-network': { dependencies: [] },
    },
  };

  it('lists only that environment, each stack after everything it depends on', () => {
    expect(deployOrder(manifest, 'acme')).toEqual(['acme-network', 'acme-cluster', 'acme-data', 'acme-platform', 'acme-serving']);
    expect(deployOrder(manifest, 'acme-eu')).toEqual(['acme-eu-network']);
  });

  it('puts a dependency first even when the layer order would not', () => {
    const odd = { stacks: { 'x-network': { dependencies: ['x-data'] }, 'x-data': {} } };
    expect(deployOrder(odd, 'x')).toEqual(['x-data', 'x-network']);
  });

  it('says what to do when the environment is not in the output, and refuses cycles and unknown dependencies', () => {
    expect(() => deployOrder(manifest, 'qa')).toThrow(
      /No stacks of environment 'qa' in the synth output .*run npm run synth -- --env qa first/,
    );
    expect(() =>
      deployOrder({ stacks: { 'x-network': { dependencies: ['x-cluster'] }, 'x-cluster': { dependencies: ['x-network'] } } }, 'x'),
    ).toThrow(/cycle/);
    expect(() => deployOrder({ stacks: { 'x-cluster': { dependencies: ['x-network'] } } }, 'x')).toThrow(
      /depends on 'x-network', which is not in the synth output/,
    );
  });
});

describe('deploy jobs (npm run deploy-plan)', () => {
  const run = { id: '9', attempt: '1' };
  it('puts a private environment on its CodeBuild runner and the others on GitHub-hosted ones', () => {
    expect(deployJobs(['dev', 'prod'], { dev: true, prod: false }, { prod: 'gpb-prod' }, run)).toEqual([
      { environment: 'dev', runsOn: 'ubuntu-24.04' },
      { environment: 'prod', runsOn: 'codebuild-gpb-prod-9-1' },
    ]);
  });

  it('refuses a private environment without a runner, an unknown environment, and a bad project name', () => {
    expect(() => deployJobs(['prod'], { prod: false }, {}, run)).toThrow(
      /private cluster endpoint.*GPB_PRIVATE_RUNNERS to \{"prod": "<CodeBuild project>"\}/,
    );
    expect(() => deployJobs(['qa'], { prod: false }, {}, run)).toThrow(/GPB_DEPLOY_ORDER names 'qa', not registered/);
    expect(() => deployJobs(['prod'], { prod: false }, { prod: 'a b' }, run)).toThrow(/not a CodeBuild project name/);
  });
});
