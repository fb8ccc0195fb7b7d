import { createHash } from 'node:crypto';
import type { PolicyReport } from '../engine/gate';
import type { Finding } from '../engine/rule';

/** Finds the line of a resource in a stack's cdk.tf.json, for SARIF regions. */
export type LineLocator = (stack: string, address: string) => number | undefined;

/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every rule as a reporting descriptor, every
 * finding as a result located in the synthesized stack file (and, logically, at its construct
 * path). Suppressed findings carry a SARIF suppression with the reason.
 */
export function toSarif(report: PolicyReport, artifactRoot: string, locate: LineLocator): object {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gpu-platform-blueprint-policies',
            informationUri: 'https://github.com/gpu-platform-blueprint/gpu-platform-blueprint/blob/main/docs/policies.md',
            semanticVersion: '0.1.0',
            rules: report.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/-/g, ''),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: {
                text: r.remediation,
                markdown: `**Fix:** ${r.remediation}${r.checkov ? `\n\nEquivalent checkov check: ${r.checkov}` : ''}`,
              },
              defaultConfiguration: { level: r.severity },
              properties: { tags: [r.pack, ...(r.checkov ? [r.checkov] : [])] },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        results: report.findings.map((f) => result(f, ruleIndex.get(f.ruleId) ?? 0, artifactRoot, locate)),
      },
    ],
  };
}

function result(f: Finding, ruleIndex: number, artifactRoot: string, locate: LineLocator): object {
  const line = locate(f.stack, f.address);
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.severity,
    message: { text: `${f.message} (${f.environment}: ${f.constructPath})` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `${artifactRoot}/stacks/${f.stack}/cdk.tf.json` },
          ...(line ? { region: { startLine: line } } : {}),
        },
        logicalLocations: [{ fullyQualifiedName: f.constructPath, kind: 'resource' }],
      },
    ],
    partialFingerprints: {
      'gpbFinding/v1': createHash('sha256').update(`${f.ruleId}|${f.stack}|${f.address}|${f.message}`).digest('hex'),
    },
    ...(f.suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.suppressed.reason }] } : {}),
  };
}
