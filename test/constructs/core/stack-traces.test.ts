import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Lazy, setTokenStackTraces } from '../../../constructs/core/cdktf';
import { TSX } from '../../tools/repo-copy';

const ROOT = path.resolve(__dirname, '../../..');
const creationStack = () => (Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] }).creationStack;

describe("cdktf's per-token stack traces", () => {
  afterEach(() => setTokenStackTraces(process.env.GPB_STACK_TRACES === '1'));

  it('are not captured by default (nothing reads them unless a token fails to resolve)', () => {
    setTokenStackTraces(false);
    expect(creationStack()).toEqual([]);
  });

  it('are captured again when turned on, as GPB_STACK_TRACES=1 does', () => {
    setTokenStackTraces(true);
    expect(creationStack().length).toBeGreaterThan(3);
  });

  it('follow GPB_STACK_TRACES when the module loads', () => {
    const probe =
      "const { Lazy } = require('./constructs/core/cdktf'); console.log(Lazy.anyValue({ produce: () => 1 }).creationStack.length > 0)";
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [TSX, '-e', probe], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } }).stdout.trim();
    expect(run({ GPB_STACK_TRACES: '' })).toBe('false');
    expect(run({ GPB_STACK_TRACES: '1' })).toBe('true');
  });
});
