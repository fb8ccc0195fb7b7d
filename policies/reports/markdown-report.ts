import type { PolicyReport } from '../engine/gate';
import type { Finding } from '../engine/rule';
import { summarize } from './json-report';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(findings: readonly Finding[], withReason = false): string[] {
  const head = withReason ? '| rule | stack | resource | finding | reason |' : '| rule | stack | resource | finding |';
  const sep = withReason ? '| --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- |';
  return [
    head,
    sep,
    ...findings.map(
      (f) =>
        `| ${f.ruleId} | ${f.stack} | \`${esc(f.constructPath)}\` | ${esc(f.message)} |${withReason ? ` ${esc(f.suppressed?.reason ?? '')} |` : ''}`,
    ),
  ];
}

/** The pull-request-friendly summary: counts per environment, then the findings that matter. */
export function toMarkdown(report: PolicyReport): string {
  const s = summarize(report);
  const envs = [...new Set([...report.environments, ...report.findings.map((f) => f.environment)])];
  const active = report.findings.filter((f) => !f.suppressed);
  const lines = [
    '# Policy report',
    '',
    s.errors > 0 ? `**${s.errors} error(s) fail synthesis.**` : 'No unsuppressed errors.',
    '',
    '| environment | errors | warnings | suppressed |',
    '| --- | --- | --- | --- |',
    ...envs.map((e) => {
      const fs = report.findings.filter((f) => f.environment === e);
      const n = (p: (f: Finding) => boolean) => fs.filter(p).length;
      return `| ${e} | ${n((f) => !f.suppressed && f.severity === 'error')} | ${n((f) => !f.suppressed && f.severity === 'warning')} | ${n((f) => !!f.suppressed)} |`;
    }),
    '',
  ];
  const errors = active.filter((f) => f.severity === 'error');
  const warnings = active.filter((f) => f.severity === 'warning');
  const suppressed = report.findings.filter((f) => f.suppressed);
  if (errors.length > 0) lines.push('## Errors', '', ...table(errors), '');
  if (warnings.length > 0)
    lines.push('<details><summary>Warnings (' + warnings.length + ')</summary>', '', ...table(warnings), '', '</details>', '');
  if (suppressed.length > 0)
    lines.push('<details><summary>Suppressed (' + suppressed.length + ')</summary>', '', ...table(suppressed, true), '', '</details>', '');
  if (report.unusedSuppressions.length > 0) {
    lines.push(
      '## Suppressions that matched nothing',
      '',
      ...report.unusedSuppressions.map((u) => `- ${u.ruleId} on \`${u.pathPrefix}\` (${u.source}): ${esc(u.reason)}`),
      '',
    );
  }
  lines.push(`Rules evaluated: ${report.rules.length}. See docs/policies.md.`);
  return `${lines.join('\n')}\n`;
}
