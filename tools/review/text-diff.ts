/**
 * Line diffs for long values: multi-line strings (scripts, configs) and JSON carried in strings
 * (policies, LiteLLM's config) differ deep inside, where a cut-off value shows nothing.
 */

/** The text a value is compared as, or undefined when a one-line cell shows it well enough. */
export function linesOf(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.length > 2) {
    try {
      return JSON.stringify(sortKeys(JSON.parse(trimmed)), null, 2).split('\n');
    } catch {
      // not JSON: compared as text
    }
  }
  return value.includes('\n') ? value.replace(/\n$/, '').split('\n') : undefined;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/**
 * A unified diff of two line lists with `context` lines around each change (longest common
 * subsequence; values here are at most a few thousand lines).
 */
export function unifiedDiff(before: readonly string[], after: readonly string[], context = 3): string[] {
  const n = before.length;
  const m = after.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push({ op: ' ', line: before[i++] });
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ op: '-', line: before[i++] });
    } else {
      ops.push({ op: '+', line: after[j++] });
    }
  }
  const keep = ops.map((o, k) => o.op !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x.op !== ' '));
  if (ops.every((o) => o.op === ' ')) return [];
  // Each run of unchanged lines left out is one `@@`.
  const out: string[] = [];
  ops.forEach((o, k) => {
    if (keep[k]) out.push(`${o.op}${o.line}`);
    else if (k === 0 || keep[k - 1]) out.push('@@');
  });
  return out;
}
