import { createHash } from 'node:crypto';
import { FORCE_NEW } from '../../tools/review/replacement';

type Json = unknown;
type Block = Record<string, Json>;

/** JSON with object keys sorted, so a digest does not depend on the order keys were written in. */
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Block;
    return `{${Object.keys(o)
      .filter((k) => k !== '//') // cdktf's construct metadata: not what Terraform reads
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const digest = (v: Json): string => createHash('sha256').update(canonical(v)).digest('hex').slice(0, 12);

/** The value at a dot path; a block written as a list of one object is read through. */
function valueAt(block: Json, dotPath: string): Json {
  let v: Json = block;
  for (const key of dotPath.split('.')) {
    if (Array.isArray(v) && v.length === 1) v = v[0];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Block)[key];
  }
  return v;
}

const sorted = (o: Json): [string, Json][] => Object.entries((o ?? {}) as Block).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * A synthesized stack as a reviewer reads it: one line per Terraform block (address and a digest
 * of everything Terraform reads in it, so any change shows as a changed line), and under each
 * resource the attributes whose change forces replacement (tools/review/replacement.ts). The full
 * change of a pull request is what `npm run review` prints.
 */
export function stackSummary(stack: Json): string {
  if (stack === undefined) return '(no stack)\n';
  const s = stack as Block;
  const lines: string[] = [];
  if (s.terraform !== undefined) lines.push(`terraform  #${digest(s.terraform)}`);
  for (const [name, p] of sorted(s.provider)) lines.push(`provider.${name}  #${digest(p)}`);
  for (const kind of ['data', 'ephemeral'] as const) {
    for (const [type, byName] of sorted(s[kind]))
      for (const [name, b] of sorted(byName)) lines.push(`${kind}.${type}.${name}  #${digest(b)}`);
  }
  for (const [type, byName] of sorted(s.resource)) {
    for (const [name, b] of sorted(byName)) {
      lines.push(`${type}.${name}  #${digest(b)}`);
      for (const attr of FORCE_NEW[type] ?? []) {
        const v = valueAt(b, attr);
        if (v !== undefined) lines.push(`  ${attr} = ${canonical(v)}`);
      }
    }
  }
  for (const [name, o] of sorted(s.output)) lines.push(`output.${name}  #${digest(o)}`);
  for (const m of (s.moved ?? []) as { from: string; to: string }[]) lines.push(`moved ${m.from} -> ${m.to}`);
  const known = new Set(['//', 'terraform', 'provider', 'data', 'ephemeral', 'resource', 'output', 'moved']);
  for (const [key, v] of sorted(s)) if (!known.has(key)) lines.push(`${key}  #${digest(v)}`);
  return `${lines.join('\n')}\n`;
}
