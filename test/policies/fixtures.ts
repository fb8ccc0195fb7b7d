import type { RuleContext } from '../../policies/engine/rule';
import { type JsonObject, StackView } from '../../policies/engine/stack-view';

/** [type, name, config]; data sources as `data.<type>`. */
export type FixtureResource = [string, string, Record<string, unknown>];

/** A stack view over a hand-written synthesized stack. */
export function stackOf(resources: FixtureResource[], id = 'test-stack'): StackView {
  const json: Record<string, Record<string, Record<string, unknown>>> = { resource: {}, data: {} };
  for (const [fullType, name, config] of resources) {
    const [mode, type] = fullType.startsWith('data.') ? ['data', fullType.slice(5)] : ['resource', fullType];
    json[mode][type] ??= {};
    json[mode][type][name] = { '//': { metadata: { path: `${id}/${name}` } }, ...config };
  }
  return new StackView(id, json as unknown as JsonObject);
}

export function ctx(stage: RuleContext['stage'] = 'dev', extra: Partial<RuleContext> = {}): RuleContext {
  return { environment: 'test', stage, ...extra };
}

/** A Deployment as kubernetes_manifest, with one container; patch the container or the pod spec. */
export function deployment(
  container: Record<string, unknown> = {},
  pod: Record<string, unknown> = {},
  namespace = 'serving',
): FixtureResource {
  return [
    'kubernetes_manifest',
    'Deploy',
    {
      manifest: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'llm', namespace },
        spec: {
          template: {
            spec: {
              securityContext: { runAsNonRoot: true },
              containers: [
                {
                  name: 'server',
                  image: 'vllm/vllm-openai:v0.6.3',
                  resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi' } },
                  securityContext: { allowPrivilegeEscalation: false },
                  ...container,
                },
              ],
              ...pod,
            },
          },
        },
      },
    },
  ];
}

/** The same Deployment as the typed kubernetes_deployment_v1 resource. */
export function typedDeployment(container: Record<string, unknown> = {}, pod: Record<string, unknown> = {}): FixtureResource {
  return [
    'kubernetes_deployment_v1',
    'TypedDeploy',
    {
      metadata: { name: 'llm', namespace: 'serving' },
      spec: {
        template: {
          metadata: {},
          spec: {
            security_context: { run_as_non_root: true },
            container: [
              {
                name: 'server',
                image: 'vllm/vllm-openai:v0.6.3',
                resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi' } },
                security_context: { allow_privilege_escalation: false },
                ...container,
              },
            ],
            ...pod,
          },
        },
      },
    },
  ];
}

export function nodePool(spec: Record<string, unknown>, limits?: Record<string, unknown>): FixtureResource {
  return [
    'kubernetes_manifest',
    'Pool',
    {
      manifest: {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'gpu' },
        spec: { template: { spec }, ...(limits ? { limits } : {}) },
      },
    },
  ];
}

export const policyJson = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
