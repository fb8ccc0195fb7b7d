import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../tools/synthesize';
import { podSpecOf, restrictedViolations } from '../../tools/pins/restricted';
import { resourcesOf, type TfJson } from '../helpers';

type Obj = Record<string, unknown>;
const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-psa-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('pods the blueprint writes into namespaces that enforce restricted', () => {
  const { stacks } = synthesize({ outdir: WORK });
  const byEnv = new Map<string, TfJson[]>();
  for (const s of stacks)
    byEnv.set(s.environment, [
      ...(byEnv.get(s.environment) ?? []),
      JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TfJson,
    ]);
  const workloads = [...byEnv.entries()].flatMap(([env, jsons]) => {
    const restricted = new Set(
      jsons
        .flatMap((j) => resourcesOf(j, 'kubernetes_namespace_v1'))
        .flatMap((n) => {
          const meta = n.metadata as { name: string; labels?: Record<string, string> };
          return meta.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted' ? [meta.name] : [];
        }),
    );
    return jsons
      .flatMap((j) => resourcesOf(j, 'kubernetes_manifest'))
      .map((m) => m.manifest as Obj & { metadata: { name: string; namespace?: string } })
      .filter((m) => m.metadata.namespace && restricted.has(m.metadata.namespace) && podSpecOf(m))
      .map((m) => [`${env} ${String(m.kind)} ${m.metadata.namespace}/${m.metadata.name}`, m] as const);
  });

  it('include the model servers, the gateway and its jobs', () => {
    expect(workloads.length).toBeGreaterThan(8);
  });

  it.each(workloads)('%s passes the restricted level as rendered', (_name, m) => {
    expect(restrictedViolations(podSpecOf(m)!)).toEqual([]);
  });
});
