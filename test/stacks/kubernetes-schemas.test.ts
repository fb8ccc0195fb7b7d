import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import { NodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../tools/synthesize';
import { resourcesOf, type TfJson } from '../helpers';
import { HAS_UPSTREAM } from '../upstream/upstream-facts';
import { STAND_IN, strictErrors, strictValidator } from '../upstream/strict-schema';

const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  NodePool,
  EC2NodeClass,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  ExternalSecret,
  SecretStore,
  Deployment,
  Job,
  Service,
  ServiceAccount,
  ConfigMap,
  PodDisruptionBudget,
  ScaledObject,
  TriggerAuthentication,
  Ingress,
};

/**
 * Values Terraform fills in at apply (`${...}` interpolations, e.g. a security group id read from
 * the cluster stack's state) replaced by well-formed stand-ins, so the schema checks the shape.
 */
function resolveInterpolations(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && value.includes('${')) return key === 'id' ? 'sg-0123456789abcdef0' : STAND_IN;
  if (Array.isArray(value)) return value.map((v) => resolveInterpolations(v, key));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveInterpolations(v, k)]));
  return value;
}

const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-k8s-schema-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

/** One synth of the reference environments, read by both suites below. */
const { stacks } = synthesize({ outdir: WORK });

describe('every Kubernetes object the reference environments emit', () => {
  const manifests = stacks.flatMap((s) =>
    resourcesOf(JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TfJson, 'kubernetes_manifest').map((m) => ({
      stack: s.id,
      manifest: m.manifest as { kind: string; metadata: { name: string } },
    })),
  );

  it('has a schema to check against', () => {
    expect(manifests.length).toBeGreaterThan(10);
    expect(manifests.filter((m) => !(m.manifest.kind in MODELS)).map((m) => `${m.stack} ${m.manifest.kind}`)).toEqual([]);
  });

  it('validates against its upstream schema', () => {
    for (const { stack, manifest } of manifests) {
      const Model = MODELS[manifest.kind];
      expect(
        () => new Model(resolveInterpolations(manifest) as never).validate(),
        `${stack} ${manifest.kind} ${manifest.metadata.name}`,
      ).not.toThrow();
    }
  });
});

describe.skipIf(!HAS_UPSTREAM)('every Kubernetes object the reference environments emit, strictly', () => {
  const manifests = stacks.flatMap((s) =>
    resourcesOf(JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TfJson, 'kubernetes_manifest').map((m) => {
      const manifest = m.manifest as { apiVersion: string; kind: string; metadata: { name: string } };
      return [`${s.id} ${manifest.kind} ${manifest.metadata.name}`, manifest] as const;
    }),
  );

  it('has an upstream schema for every kind, ExternalSecret v1 and LeaderWorkerSet included', () => {
    expect(manifests.filter(([, m]) => !strictValidator(m.apiVersion, m.kind)).map(([n]) => n)).toEqual([]);
    expect(strictValidator('external-secrets.io/v1', 'ExternalSecret')).toBeDefined();
    expect(strictValidator('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet')).toBeDefined();
  });

  it.each(manifests)('%s has no field its schema does not know (the API server would prune it)', (_name, m) => {
    expect(strictErrors(strictValidator(m.apiVersion, m.kind)!, resolveInterpolations(m))).toEqual([]);
  });

  it('fails on a field the schema does not know, in a custom resource and in a built-in one', () => {
    const scaled = manifests.find(([, m]) => m.kind === 'ScaledObject')![1] as unknown as { spec: Record<string, unknown> };
    const typo = { ...scaled, spec: { ...scaled.spec, minReplicaCont: 1 } };
    expect(strictErrors(strictValidator('keda.sh/v1alpha1', 'ScaledObject')!, resolveInterpolations(typo))).toContain(
      "/spec must NOT have additional properties: 'minReplicaCont'",
    );
    const deployment = manifests.find(([, m]) => m.kind === 'Deployment')![1] as unknown as { spec: Record<string, unknown> };
    const extra = { ...deployment, spec: { ...deployment.spec, replica: 2 } };
    expect(strictErrors(strictValidator('apps/v1', 'Deployment')!, resolveInterpolations(extra))).toContain(
      "/spec must NOT have additional properties: 'replica'",
    );
  });
});
