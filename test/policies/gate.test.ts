import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdktf';
import { REFERENCE_ENVIRONMENTS as ENVIRONMENTS } from '../../environments';
import { checkEnvironment, formatProblem, validateEnvironments } from '../../environments/validate';
import { PolicyGate } from '../../policies/engine/gate';
import { Policy } from '../../policies/engine/policy';
import { buildEnvironment } from '../../stacks/environment';
import { PolicyError, synthesize } from '../../tools/synthesize';
import { devWith, MISSCOPED_ENDPOINT_SUPPRESSION, prodLikeDev, resourcesOf, type TfJson } from '../helpers';

const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-gate-test-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));
let n = 0;
const outdir = () => path.join(WORK, `out${n++}`);

/** The dev environment built into a real App, as a user's own main.ts would. */
function devApp() {
  const [dev] = validateEnvironments({ dev: ENVIRONMENTS.dev });
  const app = new App({ outdir: outdir(), stackTraces: false });
  return { app, stacks: buildEnvironment(app, dev, 's3') };
}

describe('policy gate in a real app.synth()', () => {
  it('throws on an error finding introduced through an escape hatch', () => {
    // given the dev environment, with the cluster opened to the internet through addOverride
    const { app, stacks } = devApp();
    stacks.cluster.cluster.resource.addOverride('vpc_config.public_access_cidrs', ['0.0.0.0/0']);
    // when it is synthesized, then the policy rule sees the final JSON and fails synthesis
    expect(() => app.synth()).toThrow(/ERROR GPB-AWS-012 dev-cluster aws_eks_cluster\.\w+: public_access_cidrs contains 0\.0\.0\.0\/0/);
  });

  it('passes the reference environment unchanged', () => {
    const { app } = devApp();
    expect(() => app.synth()).not.toThrow();
    expect(
      PolicyGate.of(app)
        .report()
        .findings.filter((f) => f.severity === 'error'),
    ).toEqual([]);
  });

  it('accepts a construct suppression with a reason and still reports the finding', () => {
    const { app, stacks } = devApp();
    stacks.cluster.cluster.resource.addOverride('vpc_config.public_access_cidrs', ['0.0.0.0/0']);
    Policy.suppress(stacks.cluster.cluster, 'GPB-AWS-012', 'temporary demo cluster, deleted Friday');
    expect(() => app.synth()).not.toThrow();
    const suppressed = PolicyGate.of(app)
      .report()
      .findings.filter((f) => f.suppressed);
    expect(suppressed).toEqual([
      expect.objectContaining({
        ruleId: 'GPB-AWS-012',
        suppressed: { reason: 'temporary demo cluster, deleted Friday', source: 'construct' },
      }),
    ]);
  });

  it('throws when a suppression names an unknown rule', () => {
    const { stacks } = devApp();
    expect(() => Policy.suppress(stacks.cluster, 'GPB-AWS-999', 'a perfectly good reason')).toThrow(
      /suppression on 'dev-cluster': rule 'GPB-AWS-999' does not exist/,
    );
  });

  it('throws when a suppression has no real reason', () => {
    const { stacks } = devApp();
    expect(() => Policy.suppress(stacks.cluster, 'GPB-AWS-012', 'because')).toThrow(/reason 'because' for GPB-AWS-012 is too short/);
  });

  it('reports a suppression that matches nothing', () => {
    const { app, stacks } = devApp();
    Policy.suppress(stacks.network, 'GPB-AWS-010', 'bastion host needs SSH from the office');
    app.synth();
    expect(PolicyGate.of(app).report().unusedSuppressions).toEqual([
      expect.objectContaining({ ruleId: 'GPB-AWS-010', pathPrefix: 'dev-network' }),
    ]);
  });
});

describe('policy gate in npm run synth', () => {
  const prodLike = (guardrails?: unknown) => prodLikeDev(guardrails ? { guardrails } : {});

  it('writes the complete output and all three reports, then fails on an error finding', () => {
    // given a prod-stage environment with a public API endpoint (GPB-AWS-013), whose
    // suppression passes validation but misses the cluster resource
    const dir = outdir();
    let error: unknown;
    try {
      synthesize({ outdir: dir, registry: { dev: prodLike(MISSCOPED_ENDPOINT_SUPPRESSION) } });
    } catch (e) {
      error = e;
    }
    // then synthesis fails with the finding named
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toMatch(/ERROR GPB-AWS-013 dev-cluster aws_eks_cluster\.\w+: endpoint_public_access is not false/);
    // and the stacks and reports are on disk for the pull request
    const report = JSON.parse(readFileSync(path.join(dir, 'policy/report.json'), 'utf8'));
    expect(report.summary.errors).toBeGreaterThan(0);
    expect(readFileSync(path.join(dir, 'policy/report.md'), 'utf8')).toMatch(/\*\*\d+ error\(s\) fail synthesis\.\*\*/);
    expect(JSON.parse(readFileSync(path.join(dir, 'policy/report.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readFileSync(path.join(dir, 'stacks/dev-cluster/cdk.tf.json'), 'utf8')).toContain('aws_eks_cluster');
  });

  it('honours suppressions from the environment file', () => {
    const guardrails = {
      suppressions: [{ rule: 'GPB-AWS-013', path: 'cluster/Cluster', reason: 'pilot account without VPN access yet (TICKET-42)' }],
    };
    const result = synthesize({ outdir: outdir(), registry: { dev: prodLike(guardrails) } });
    expect(result.policy.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'GPB-AWS-013',
        suppressed: { reason: 'pilot account without VPN access yet (TICKET-42)', source: 'environment dev' },
      }),
    );
  });

  it('applies the permissions boundary to every IAM role of the environment', () => {
    const boundary = 'arn:aws:iam::111122223333:policy/platform-boundary';
    const result = synthesize({ outdir: outdir(), registry: { dev: devWith({ guardrails: { permissionsBoundaryArn: boundary } }) } });
    const roles = result.stacks.flatMap((s) =>
      resourcesOf(JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TfJson, 'aws_iam_role'),
    );
    expect(roles.length).toBeGreaterThanOrEqual(5);
    for (const role of roles) expect(role.permissions_boundary).toBe(boundary);
  });
});

describe('suppressions in the environment file', () => {
  const problems = (suppression: unknown) => {
    const result = checkEnvironment(devWith({ guardrails: { suppressions: [suppression] } }), 'dev');
    return Array.isArray(result) ? result.map(formatProblem) : [];
  };

  it('fails when the rule does not exist', () => {
    expect(problems({ rule: 'GPB-NOPE-1', path: 'network', reason: 'a perfectly good reason' })).toEqual([
      expect.stringMatching(/^environment 'dev': guardrails\.suppressions\[0\]\.rule: 'GPB-NOPE-1' is not allowed: must be a rule id/),
    ]);
  });

  it('fails when the reason is too short', () => {
    expect(problems({ rule: 'GPB-AWS-010', path: 'network', reason: 'ok' })).toEqual([
      expect.stringMatching(/guardrails\.suppressions\[0\]\.reason: 'ok' is not allowed: must say why in at least 10 characters/),
    ]);
  });

  it('fails when the path does not start with a layer', () => {
    expect(problems({ rule: 'GPB-AWS-010', path: 'Network/Endpoints', reason: 'a perfectly good reason' })).toEqual([
      expect.stringMatching(/guardrails\.suppressions\[0\]\.path: 'Network\/Endpoints' is not allowed: must be a layer/),
    ]);
  });

  it('fails when the reason is missing', () => {
    expect(problems({ rule: 'GPB-AWS-010', path: 'network' })).toEqual([
      expect.stringMatching(/guardrails\.suppressions\[0\]\.reason: undefined is not allowed: is required/),
    ]);
  });
});
