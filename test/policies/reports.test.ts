import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { PolicyReport } from '../../policies/engine/gate';
import { ALL_RULES } from '../../policies';
import type { Finding } from '../../policies/engine/rule';
import { toJsonReport } from '../../policies/reports/json-report';
import { toMarkdown } from '../../policies/reports/markdown-report';
import { toSarif } from '../../policies/reports/sarif-report';
import { synthesize } from '../../tools/synthesize';
import { devWith } from '../helpers';

const SCHEMA = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
);

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'GPB-AWS-012',
  severity: 'error',
  environment: 'dev',
  stack: 'dev-cluster',
  address: 'aws_eks_cluster.Cluster_EB0386A7',
  constructPath: 'dev-cluster/Cluster/Resource',
  message: 'public_access_cidrs contains 0.0.0.0/0',
  ...over,
});

const REPORT: PolicyReport = {
  environments: ['dev', 'prod'],
  rules: ALL_RULES,
  findings: [
    finding({}),
    finding({
      ruleId: 'GPB-COST-001',
      severity: 'warning',
      stack: 'dev-network',
      address: 'aws_nat_gateway.N1',
      constructPath: 'dev-network/Network/NatGateway1',
      message: '2 NAT | gateways',
    }),
    finding({
      ruleId: 'GPB-AWS-013',
      environment: 'prod',
      stack: 'prod-cluster',
      suppressed: { reason: 'pilot without VPN yet', source: 'environment prod' },
    }),
  ],
  unusedSuppressions: [{ ruleId: 'GPB-AWS-010', reason: 'bastion needs SSH', pathPrefix: 'dev-network', source: 'construct' }],
};

describe('SARIF report', () => {
  const sarif = toSarif(REPORT, 'cdktf.out', (stack) => (stack === 'dev-cluster' ? 42 : undefined)) as {
    runs: { tool: { driver: { rules: { id: string }[] } }; results: Record<string, unknown>[] }[];
  };

  it('is valid against the SARIF 2.1.0 schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(SCHEMA);
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('fails schema validation when a result is malformed (the check can fail)', () => {
    const broken = structuredClone(sarif);
    (broken.runs[0].results[0] as Record<string, unknown>).level = 'fatal';
    const validate = new Ajv({ strict: false, unicodeRegExp: false }).compile(SCHEMA);
    expect(validate(broken)).toBe(false);
  });

  it('describes every rule and points each result at its rule, file, line and construct', () => {
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    const [first] = run.results as {
      ruleId: string;
      ruleIndex: number;
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
        logicalLocations: { fullyQualifiedName: string }[];
      }[];
    }[];
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe(first.ruleId);
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'cdktf.out/stacks/dev-cluster/cdk.tf.json' },
      region: { startLine: 42 },
    });
    expect(first.locations[0].logicalLocations[0].fullyQualifiedName).toBe('dev-cluster/Cluster/Resource');
  });

  it('marks suppressed findings with their justification', () => {
    const suppressed = sarif.runs[0].results[2] as { suppressions: { kind: string; justification: string }[] };
    expect(suppressed.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'pilot without VPN yet' }]);
  });
});

describe('JSON report', () => {
  it('summarizes active and suppressed findings and lists every rule', () => {
    const json = toJsonReport(REPORT) as { summary: unknown; rules: unknown[]; findings: unknown[] };
    expect(json.summary).toEqual({ errors: 1, warnings: 1, suppressed: 1, unusedSuppressions: 1 });
    expect(json.rules).toHaveLength(ALL_RULES.length);
    expect(json.findings).toHaveLength(3);
  });
});

describe('Markdown report', () => {
  const md = toMarkdown(REPORT);

  it('leads with the verdict and a table per environment', () => {
    expect(md).toMatch(/^# Policy report\n\n\*\*1 error\(s\) fail synthesis\.\*\*/);
    expect(md).toContain('| dev | 1 | 1 | 0 |');
    expect(md).toContain('| prod | 0 | 0 | 1 |');
  });

  it('folds warnings and suppressions, escapes table cells and lists stale suppressions', () => {
    expect(md).toContain('<details><summary>Warnings (1)</summary>');
    expect(md).toContain('2 NAT \\| gateways');
    expect(md).toContain(
      '| GPB-AWS-013 | prod-cluster | `dev-cluster/Cluster/Resource` | public_access_cidrs contains 0.0.0.0/0 | pilot without VPN yet |',
    );
    expect(md).toContain('- GPB-AWS-010 on `dev-network` (construct): bastion needs SSH');
  });
});

describe('reports written by a real synth', () => {
  it('produce schema-valid SARIF whose regions point at the resource in the stack file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gpb-sarif-'));
    try {
      // a dev environment with NAT per zone: one GPB-COST-001 warning, no errors
      synthesize({ outdir: dir, registry: { dev: devWith({ network: { natStrategy: 'per-az' } }) } });
      const sarif = JSON.parse(readFileSync(path.join(dir, 'policy/report.sarif'), 'utf8'));
      const validate = new Ajv({ strict: false, unicodeRegExp: false }).compile(SCHEMA);
      expect(validate(sarif)).toBe(true);
      const [result] = sarif.runs[0].results;
      expect(result.ruleId).toBe('GPB-COST-001');
      const line: number = result.locations[0].physicalLocation.region.startLine;
      const stackFile = readFileSync(path.join(dir, 'stacks/dev-network/cdk.tf.json'), 'utf8').split('\n');
      expect(stackFile[line - 1].trim()).toMatch(/^"Network_NatGateway1_\w+": \{$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
