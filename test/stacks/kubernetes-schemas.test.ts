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
  if (typeof value === 'string' && value.includes('${')) return key === 'id' ? 'sg-0123456789abcdef0' : 'resolved-at-apply';
  if (Array.isArray(value)) return value.map((v) => resolveInterpolations(v, key));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveInterpolations(v, k)]));
  return value;
}

const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-k8s-schema-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('every Kubernetes object the reference environments emit', () => {
  const { stacks } = synthesize({ outdir: WORK });
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
      expect(() => new Model(resolveInterpolations(manifest) as never).validate(), `${stack} ${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
    }
  });
});
