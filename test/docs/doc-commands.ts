/**
 * The commands README.md and docs/ tell a user to run: every shell code block (sh, bash,
 * shell), and every inline code span that starts with a command the project ships or
 * documents (npm, npx, aws, kubectl, an environment assignment before one of them).
 */

export interface DocCommand {
  file: string;
  /** 1-based line of the block's first command line, or of the inline span. */
  line: number;
  kind: 'block' | 'inline';
  text: string;
}

const SHELL_FENCES = new Set(['sh', 'bash', 'shell']);
/** First word of an inline span that makes it a command (after any VAR=value assignments). */
const INLINE_COMMANDS = new Set(['npm', 'npx', 'aws', 'kubectl']);
const ASSIGNMENT = /^[A-Z_][A-Z0-9_]*=\S*$/;

export function docCommands(file: string, markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = markdown.split('\n');
  let fence: { lang: string; start: number; body: string[] } | undefined;
  lines.forEach((raw, i) => {
    const open = /^\s*```(\S*)/.exec(raw);
    if (open && !fence) {
      fence = { lang: open[1], start: i + 2, body: [] };
      return;
    }
    if (open && fence) {
      if (SHELL_FENCES.has(fence.lang) && fence.body.some((l) => l.trim())) {
        out.push({ file, line: fence.start, kind: 'block', text: fence.body.join('\n') });
      }
      fence = undefined;
      return;
    }
    if (fence) {
      fence.body.push(raw);
      return;
    }
    for (const m of raw.matchAll(/`([^`]+)`/g)) {
      const words = m[1].trim().split(/\s+/);
      const first = words.find((w) => !ASSIGNMENT.test(w));
      if (first && INLINE_COMMANDS.has(first)) out.push({ file, line: i + 1, kind: 'inline', text: m[1].trim() });
    }
  });
  if (fence) throw new Error(`${file}: code block opened at line ${fence.start - 1} is never closed`);
  return out;
}

/** `<placeholder>`s a command still holds after substitution. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/<([a-z][a-z -]*)>/g)].map((m) => m[0]);
}

/** Minimal glob match for cdktf stack patterns (`*` only, as cdktf documents). */
export function matchesStackPattern(pattern: string, stack: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(stack);
}
