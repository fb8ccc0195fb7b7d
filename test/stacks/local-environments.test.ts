import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_ENVIRONMENTS } from '../../environments/local';
import { validateEnvironments } from '../../environments/validate';
import { synthesize } from '../../tools/synthesize';
import type { TfJson } from '../helpers';

/**
 * A fork's own environments (environments/local.ts), each with its own snapshot files under
 * test/stacks/__snapshots__/local/<environment>/, which upstream never has: pulling upstream
 * never conflicts with them. Upstream's reference environments are snapshotted in
 * environment.test.ts. When an upstream change alters a fork environment's output, this test
 * fails on that environment's snapshot: review the change (npm run review), then accept it with
 * `npx vitest run test/stacks/local-environments.test.ts -u` and commit the snapshot files.
 */

const names = Object.keys(LOCAL_ENVIRONMENTS);

describe.skipIf(names.length > 0)('fork-owned environments (upstream has none)', () => {
  it('registers no local environment upstream', () => {
    expect(LOCAL_ENVIRONMENTS).toEqual({});
  });
});

describe.skipIf(names.length === 0)('fork-owned environments', () => {
  const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-local-envs-'));
  afterAll(() => rmSync(WORK, { recursive: true, force: true }));
  const configs = names.length > 0 ? validateEnvironments(LOCAL_ENVIRONMENTS) : [];
  const result = names.length > 0 ? synthesize({ outdir: WORK, registry: LOCAL_ENVIRONMENTS }) : undefined;

  describe.each(names)('%s', (name) => {
    const env = configs.find((c) => c.name === name)!;
    const stacks = (result?.stacks ?? []).filter((s) => s.environment === name);

    it('synthesizes every layer with no policy error', () => {
      expect(stacks.map((s) => s.layer)).toEqual(expect.arrayContaining(['network', 'cluster', 'data', 'platform']));
      expect(result!.policy.findings.filter((f) => f.environment === name && f.severity === 'error' && !f.suppressed)).toEqual([]);
    });

    it('keeps its state under its own key in its bucket', () => {
      for (const s of stacks) {
        const json = JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TfJson;
        expect(json.terraform?.backend?.s3).toMatchObject({ bucket: env.state.bucket, key: `${name}/${s.id}.tfstate` });
      }
    });

    it('matches its own snapshot files, one per layer', async () => {
      for (const s of stacks) {
        const json = readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8');
        await expect(json).toMatchFileSnapshot(path.join(__dirname, '__snapshots__', 'local', name, `${s.layer}.json`));
      }
    });
  });
});
