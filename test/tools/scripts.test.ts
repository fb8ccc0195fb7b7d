import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const scripts = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;

describe('package.json scripts', () => {
  it('npm run synth compiles exactly as npm run build does, without a second npm start', () => {
    // `npm run build` inside the synth script would start npm again (about 0.3 s of every synth).
    expect(scripts.build).toMatch(/^esbuild /);
    expect(scripts.synth).toBe(`${scripts.build} && node .build/tools/synth.js`);
  });
});
