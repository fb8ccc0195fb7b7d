import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PolicyReport } from '../engine/gate';
import { toJsonReport } from './json-report';
import { toMarkdown } from './markdown-report';
import { toSarif } from './sarif-report';

export const REPORT_FILES = { json: 'policy/report.json', sarif: 'policy/report.sarif', markdown: 'policy/report.md' } as const;

/**
 * Writes the three reports under `<outdir>/policy/`. SARIF locations point into the synthesized
 * stacks, relative to the repository root (`artifactRoot`, normally `cdktf.out`).
 */
export function writeReports(report: PolicyReport, outdir: string, artifactRoot = 'cdktf.out'): void {
  mkdirSync(path.join(outdir, 'policy'), { recursive: true });
  const lines = new Map<string, string[]>();
  const locate = (stack: string, address: string): number | undefined => {
    const file = path.join(outdir, 'stacks', stack, 'cdk.tf.json');
    if (!lines.has(stack)) lines.set(stack, existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
    const parts = address.split('.');
    const [type, name] = parts[0] === 'data' ? [parts[1], parts[2]] : [parts[0], parts[1]];
    const text = lines.get(stack)!;
    const typeLine = text.findIndex((l) => l.trim() === `"${type}": {`);
    if (typeLine < 0 || !name) return undefined;
    const nameLine = text.findIndex((l, i) => i > typeLine && l.trim() === `"${name}": {`);
    return nameLine < 0 ? undefined : nameLine + 1;
  };
  writeFileSync(path.join(outdir, REPORT_FILES.json), `${JSON.stringify(toJsonReport(report), null, 2)}\n`);
  writeFileSync(path.join(outdir, REPORT_FILES.sarif), `${JSON.stringify(toSarif(report, artifactRoot, locate), null, 2)}\n`);
  writeFileSync(path.join(outdir, REPORT_FILES.markdown), toMarkdown(report));
}
