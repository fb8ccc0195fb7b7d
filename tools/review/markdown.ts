import { usd } from '../../model/gpu-cost';
import type { StackDiff } from './diff';
import { display, isSecretPath } from './mask';
import { linesOf, unifiedDiff } from './text-diff';
import type { EnvironmentReview, Review } from './review';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function delta(before: number | undefined, after: number | undefined, fmt: (n: number) => string): string {
  if (before === undefined && after === undefined) return '-';
  const b = before ?? 0;
  const a = after ?? 0;
  if (b === a) return fmt(a);
  const d = a - b;
  return `${fmt(b)} → ${fmt(a)} (${d > 0 ? '+' : '-'}${fmt(Math.abs(d))})`;
}

/** The GPU budget before and after (`none` where an environment sets none). */
function budget(e: EnvironmentReview): string {
  const b = e.gpu.before?.budgetUsd;
  const a = e.gpu.after?.budgetUsd;
  if (b === undefined && a === undefined) return 'none';
  if (b === a) return usd(a!);
  return `${b === undefined ? 'none' : usd(b)} → ${a === undefined ? 'none' : usd(a)}`;
}

/** The pull request comment: summary table first, loud disruption warnings, details folded. */
export function toMarkdown(review: Review): string {
  const lines = [`## Infrastructure review: \`${review.base}\` → \`${review.head}\``, ''];
  const changed = review.environments.filter((e) => e.status !== 'unchanged');
  if (changed.length === 0) {
    lines.push('No infrastructure changes in any environment.', '');
  }
  lines.push(
    '| environment | resources + / ~ / - | replaced or destroyed | max GPUs | idle $/month | capped $/month | budget $/month | policy new / fixed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...review.environments.map((e) => {
      const danger = e.disruptive.length > 0 ? `⚠️ **${e.disruptive.length}**` : '0';
      const label = e.status === 'added' ? `${e.environment} (new)` : e.status === 'removed' ? `${e.environment} (removed)` : e.environment;
      return `| ${label} | ${e.counts.added} / ${e.counts.changed} / ${e.counts.removed} | ${danger} | ${delta(e.gpu.before?.maxGpus, e.gpu.after?.maxGpus, String)} | ${delta(e.gpu.before?.idleMonthlyUsd, e.gpu.after?.idleMonthlyUsd, usd)} | ${delta(e.gpu.before?.cappedMonthlyUsd, e.gpu.after?.cappedMonthlyUsd, usd)} | ${budget(e)} | ${e.policy.new.length} / ${e.policy.fixed.length} |`;
    }),
    '',
  );
  const disruptive = review.environments.flatMap((e) => e.disruptive);
  if (disruptive.length > 0) {
    lines.push('> [!CAUTION]', '> **This change destroys or replaces stateful or disruptive resources:**');
    for (const d of disruptive) {
      lines.push(
        `> - \`${d.stack}\` \`${d.address}\`: ${d.what} **${d.how}**${d.because.length ? ` (force-new: ${d.because.join(', ')})` : ''}`,
      );
    }
    lines.push('');
  }
  for (const env of changed) lines.push(...environmentSection(env));
  lines.push(
    '<sub>Offline review of the synthesized configuration (no credentials, no state). Replacement is inferred from known force-new attributes; `cdktf diff` against real state is authoritative. Costs are on-demand estimates (docs/gpu.md).</sub>',
    '',
  );
  return lines.join('\n');
}

function environmentSection(env: EnvironmentReview): string[] {
  const out = [`### ${env.environment}`, '', '```mermaid', ...mermaid(env), '```', ''];
  const gpuChanged = env.gpu.capacities.filter((c) => c.gpusBefore !== c.gpusAfter);
  if (gpuChanged.length > 0) {
    out.push(
      '| GPU capacity | max GPUs |',
      '| --- | --- |',
      ...gpuChanged.map((c) => `| ${c.name} | ${delta(c.gpusBefore, c.gpusAfter, String)} |`),
      '',
    );
  }
  if (env.policy.new.length > 0 || env.policy.fixed.length > 0) {
    out.push('| policy | rule | stack | resource | finding |', '| --- | --- | --- | --- | --- |');
    for (const f of env.policy.new)
      out.push(`| new ${f.severity} | ${f.ruleId} | ${f.stack} | \`${esc(f.constructPath)}\` | ${esc(f.message)} |`);
    for (const f of env.policy.fixed) out.push(`| fixed | ${f.ruleId} | ${f.stack} | \`${esc(f.constructPath)}\` | ${esc(f.message)} |`);
    out.push('');
  }
  for (const stack of env.stacks.filter((s) => s.status !== 'unchanged')) out.push(...stackDetails(stack));
  return out;
}

function stackDetails(stack: StackDiff): string[] {
  const n = (k: string) => stack.changes.filter((c) => c.kind === k).length;
  const summary = `${stack.id}${stack.status === 'added' ? ' (new stack)' : stack.status === 'removed' ? ' (stack removed)' : ''}: ${n('added')} added, ${n('changed')} changed, ${n('removed')} removed`;
  const rows = ['| | resource | attribute | before | after |', '| --- | --- | --- | --- | --- |'];
  const textDiffs: string[] = [];
  for (const c of stack.changes) {
    const mark = c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : c.replacedBecause.length > 0 ? '-/+' : '~';
    if (c.kind !== 'changed') {
      rows.push(`| ${mark} | \`${c.address}\` | | | |`);
      continue;
    }
    c.attributes.slice(0, 20).forEach((a, i) => {
      const before = isSecretPath(a.path) ? undefined : linesOf(a.before);
      const after = isSecretPath(a.path) ? undefined : linesOf(a.after);
      if (before && after) {
        // Long text on both sides: the lines that differ, below the table.
        const diff = unifiedDiff(before, after);
        const changed = diff.filter((l) => l.startsWith('+') || l.startsWith('-')).length;
        rows.push(
          `| ${i === 0 ? mark : ''} | ${i === 0 ? `\`${c.address}\`` : ''} | \`${esc(a.path)}\` | ${before.length} lines | ${after.length} lines, ${changed} changed (diff below) |`,
        );
        textDiffs.push(`\`${c.address}\` \`${a.path}\`:`, '', '```diff', ...diff.map((l) => l.replace(/```/g, '`\u200b``')), '```', '');
        return;
      }
      rows.push(
        `| ${i === 0 ? mark : ''} | ${i === 0 ? `\`${c.address}\`` : ''} | \`${esc(a.path)}\` | ${esc(display(a.path, a.before))} | ${esc(display(a.path, a.after))} |`,
      );
    });
    if (c.attributes.length > 20) rows.push(`| | | … ${c.attributes.length - 20} more | | |`);
  }
  const renames = stack.possibleRenames.map(
    (r) => `- \`${r.from}\` → \`${r.to}\` looks like a rename: add a \`moved\` block or Terraform will destroy and re-create it.`,
  );
  return [
    '<details>',
    `<summary>${summary}</summary>`,
    '',
    ...rows,
    '',
    ...textDiffs,
    ...renames,
    ...(renames.length ? [''] : []),
    '</details>',
    '',
  ];
}

/** The environment's layers and their main resources; changed layers highlighted. */
export function mermaid(env: EnvironmentReview): string[] {
  const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['flowchart LR'];
  let previous: string | undefined;
  for (const s of env.stacks) {
    const n = (k: string) => s.changes.filter((c) => c.kind === k).length;
    const main = s.mainResources.slice(0, 4).join('<br/>');
    const label = `${s.layer}<br/>+${n('added')} ~${n('changed')} -${n('removed')}${main ? `<br/><small>${main}</small>` : ''}`;
    lines.push(`  ${id(s.id)}["${label}"]`);
    if (previous) lines.push(`  ${id(previous)} --> ${id(s.id)}`);
    previous = s.id;
    const cls = s.changes.some((c) => c.disruption && (c.kind === 'removed' || c.replacedBecause.length > 0))
      ? 'danger'
      : s.status === 'unchanged'
        ? 'same'
        : 'changed';
    lines.push(`  class ${id(s.id)} ${cls}`);
  }
  lines.push(
    '  classDef same fill:#eee,stroke:#999',
    '  classDef changed fill:#fff4c2,stroke:#c90',
    '  classDef danger fill:#ffd6d6,stroke:#c00',
  );
  return lines;
}
