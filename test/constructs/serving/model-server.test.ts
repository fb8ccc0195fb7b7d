import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { GpuInstanceType } from '../../../model/gpu-instance-type';
import { GpuNodePool } from '../../../constructs/gpu/gpu-node-pool';
import { admit } from '../guardrails/admit';
import { ModelServer, type ModelServerProps, TRITON_IMAGE, VLLM_IMAGE } from '../../../constructs/serving/model-server';
import { ALL_RULES } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import { resourcesOf, synthWith } from '../../helpers';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function model(over: Partial<ModelServerProps> = {}, poolTypes = ['g6e.12xlarge'], efa = false) {
  const json = synthWith((scope) => {
    const pool = new GpuNodePool(scope, 'Pool', {
      name: 'big',
      instanceTypes: poolTypes.map((t) => GpuInstanceType.of(t)),
      capacityTypes: ['on-demand'],
      gpuLimit: 16,
      efa,
      nodeRoleName: 'r',
      clusterName: 'c',
      securityGroupId: 'sg-1',
    });
    new ModelServer(scope, 'Model', {
      name: 'llama-70b',
      pool,
      modelUri: 's3://models/models/llama-70b',
      region: 'us-west-2',
      gpusPerReplica: 4,
      weightsGiB: 65.2,
      replicas: 2,
      ...over,
    });
  });
  const manifests = resourcesOf(json, 'kubernetes_manifest').map((m) => m.manifest as Obj);
  const byKind = (k: string) => manifests.find((m) => m.kind === k)!;
  return { json, manifests, deployment: byKind('Deployment'), byKind };
}

describe('ModelServer', () => {
  it('leaves the replica count to the autoscaler when autoscaled, and registers its metrics port for scraping', () => {
    expect(model({ replicas: 2 }).deployment.spec.replicas).toBe(2);
    expect(model({ autoscaled: true }).deployment.spec.replicas).toBeUndefined();
    const targets: unknown[] = [];
    model({ engine: 'triton', metrics: { addScrapeTarget: (t) => targets.push(t) } });
    expect(targets).toEqual([
      {
        name: 'model-llama-70b',
        source: 'triton',
        namespace: 'gpb-serving',
        podLabels: { 'gpb.io/model': 'llama-70b' },
        port: 8002,
        modelLabel: 'gpb.io/model',
      },
    ]);
  });

  it('emits a Deployment, Service, PodDisruptionBudget and ServiceAccount valid against upstream schemas', () => {
    const { byKind } = model();
    expect(() => new Deployment(byKind('Deployment') as never).validate()).not.toThrow();
    expect(() => new Service(byKind('Service') as never).validate()).not.toThrow();
    expect(() => new PodDisruptionBudget(byKind('PodDisruptionBudget') as never).validate()).not.toThrow();
    expect(() => new ServiceAccount(byKind('ServiceAccount') as never).validate()).not.toThrow();
  });

  it('is placed by its pool object: node selector, tolerations, GPU resource in limits', () => {
    const pod = model().deployment.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'big' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
  });

  it('streams pinned weights from S3 with tensor parallelism and a startup budget sized to the weights', () => {
    const c = model().deployment.spec.template.spec.containers[0];
    expect(c.image).toBe(VLLM_IMAGE);
    // `vllm serve <model>`: the model is positional, never --model (refused by later images' entrypoint).
    expect(c.command).toEqual(['vllm', 'serve']);
    expect(c.args[0]).toBe('s3://models/models/llama-70b');
    expect(c.args).not.toContain('--model');
    expect(c.args).toEqual(expect.arrayContaining(['--load-format', 'runai_streamer', '--tensor-parallel-size', '4']));
    // 65.2 GiB at 0.5 GiB/s + 120 s = 251 s -> 26 checks of 10 s
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, failureThreshold: 26 });
    expect(model({ weightsGiB: 15 }).deployment.spec.template.spec.containers[0].startupProbe.failureThreshold).toBe(15);
  });

  it('sizes CPU and memory from its share of the node and mounts shared memory', () => {
    const pod = model().deployment.spec.template.spec;
    // g6e.12xlarge: 4 GPUs, 48 vCPU, 384 GiB; all 4 GPUs -> 75% of the node
    expect(pod.containers[0].resources.requests).toEqual({ cpu: '36', memory: '288Gi' });
    expect(pod.volumes).toContainEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } });
  });

  it('runs restricted: non-root, no escalation, all capabilities dropped, RuntimeDefault seccomp', () => {
    const pod = model().deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('passes the policy pack and the in-cluster admission policy', () => {
    const { json, deployment } = model();
    const findings = evaluateStack(
      new StackView('t', json as unknown as JsonObject),
      ALL_RULES,
      { environment: 't', stage: 'prod', monthlyGpuBudgetUsd: 100_000 },
      [],
    );
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(admit({ spec: deployment.spec.template.spec })).toEqual([]);
  });

  it('runs Triton from its S3 model repository, copied to local disk by a Pod Identity-capable client, with HTTP, gRPC and metrics ports', () => {
    const { deployment, byKind } = model({ engine: 'triton', gpusPerReplica: 1, modelUri: 's3://models/models/llama-70b/' });
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0]).toMatchObject({ image: TRITON_IMAGE, command: ['tritonserver'] });
    // Triton 25.08's S3 client cannot use EKS Pod Identity: it never sees S3 itself.
    expect(pod.containers[0].args).toContain('--model-repository=/models');
    expect(JSON.stringify(pod.containers[0])).not.toContain('s3://');
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'models', mountPath: '/models', readOnly: true });
    // The AWS CLI (>= 2.15 reads Pod Identity credentials) syncs the prefix first, restricted like the server.
    const [fetch] = pod.initContainers;
    expect(fetch.image).toMatch(/^public\.ecr\.aws\/aws-cli\/aws-cli:2\.(1[5-9]|[2-9]\d)\.\d+$/);
    expect(fetch.command).toEqual(['aws', 's3', 'sync', 's3://models/models/llama-70b/', '/models', '--only-show-errors', '--no-progress']);
    expect(fetch.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.volumes).toContainEqual({ name: 'models', emptyDir: { sizeLimit: '87Gi' } });
    expect(new Pod({ metadata: { name: 'p' }, spec: pod } as never).validate()).toBeUndefined();
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe('/v2/health/ready');
    expect(byKind('Service').spec.ports.map((p: Obj) => p.port)).toEqual([8000, 8001, 8002]);
    expect(deployment.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8002' });
    expect(() => new Deployment(deployment as never).validate()).not.toThrow();
  });

  it('serves embeddings with a pooling runner when its task is embed (vLLM only)', () => {
    const args = model({ name: 'bge-m3', task: 'embed', gpusPerReplica: 1, weightsGiB: 1.1 }).deployment.spec.template.spec.containers[0]
      .args as string[];
    // --task is deprecated: --runner pooling --convert embed is what --task embed meant.
    expect(args.slice(args.indexOf('--runner'), args.indexOf('--runner') + 4)).toEqual(['--runner', 'pooling', '--convert', 'embed']);
    expect(args).not.toContain('--task');
    expect(model().deployment.spec.template.spec.containers[0].args).not.toContain('--runner');
    expect(() => model({ engine: 'triton', task: 'embed' })).toThrow(/ModelServer '.*': 'task' 'embed' is built for vLLM only/);
  });

  it('annotates vLLM metrics on its HTTP port', () => {
    expect(model().deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe('8000');
  });

  it('throws when the tensor-parallel size fits no instance type of the pool', () => {
    expect(() => model({ gpusPerReplica: 3 })).toThrow(
      /ModelServer 'llama-70b': 'gpusPerReplica' 3 must divide the GPUs per node of every instance type in pool 'big'/,
    );
  });
});

describe('ModelServer across nodes (LeaderWorkerSet)', () => {
  const multi = (over: Partial<ModelServerProps> = {}) =>
    model({ name: 'llama-405b', gpusPerReplica: 8, nodes: 2, weightsGiB: 400, ...over }, ['p4de.24xlarge'], true);

  it('emits a LeaderWorkerSet of whole EFA nodes: group size, group restart, leader-first startup', () => {
    const { byKind, manifests } = multi();
    expect(manifests.some((m) => m.kind === 'Deployment')).toBe(false);
    const lws = byKind('LeaderWorkerSet');
    expect(lws.apiVersion).toBe('leaderworkerset.x-k8s.io/v1');
    expect(lws.spec).toMatchObject({
      replicas: 2,
      startupPolicy: 'LeaderCreated',
      leaderWorkerTemplate: { size: 2, restartPolicy: 'RecreateGroupOnPodRestart' },
    });
    for (const template of [lws.spec.leaderWorkerTemplate.leaderTemplate, lws.spec.leaderWorkerTemplate.workerTemplate]) {
      expect(() => new Pod({ metadata: { name: 'x' }, spec: template.spec } as never).validate()).not.toThrow();
      const c = template.spec.containers[0];
      expect(c.resources.limits).toMatchObject({ 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': '1' });
      expect(c.env).toContainEqual({ name: 'FI_PROVIDER', value: 'efa' });
    }
  });

  it('budgets disruptions so that at most one group is down: one pod, over every pod of the set', () => {
    const { byKind } = multi();
    const lws = byKind('LeaderWorkerSet');
    const pdb = byKind('PodDisruptionBudget');
    // One eviction takes its whole group down (RecreateGroupOnPodRestart); the budget then counts
    // the group's pods unavailable and refuses the next eviction until the group is ready again.
    // A budget of a group's size in pods would let that many groups be hit at once.
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
    for (const template of [lws.spec.leaderWorkerTemplate.leaderTemplate, lws.spec.leaderWorkerTemplate.workerTemplate]) {
      expect(template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
    }
  });

  it('leader starts Ray, waits for every node, then serves with TP inside and PP across nodes; workers join it', () => {
    const t = multi().byKind('LeaderWorkerSet').spec.leaderWorkerTemplate;
    const leader = t.leaderTemplate.spec.containers[0];
    expect(leader.command).toEqual(['/bin/sh', '-c']);
    expect(leader.args[0]).toMatch(
      /^ray start --head --port=6379 && until .* -ge 2 \]; do sleep 5; done && exec vllm serve s3:\/\/\S+ .*--tensor-parallel-size 8 .*--pipeline-parallel-size 2 --distributed-executor-backend ray$/,
    );
    expect(leader.readinessProbe.httpGet.path).toBe('/health');
    const worker = t.workerTemplate.spec.containers[0];
    expect(worker.args).toEqual(['exec ray start --address=$LWS_LEADER_ADDRESS:6379 --block']);
    expect(worker.readinessProbe).toBeUndefined();
    expect(worker.ports).toBeUndefined();
  });

  it('serves, is scraped and is scaled through the leader and the set', () => {
    const targets: Record<string, unknown>[] = [];
    let server!: ModelServer;
    const json = synthWith((scope) => {
      const pool = new GpuNodePool(scope, 'Pool', {
        name: 'big',
        instanceTypes: [GpuInstanceType.of('p4de.24xlarge')],
        capacityTypes: ['on-demand'],
        gpuLimit: 16,
        efa: true,
        nodeRoleName: 'r',
        clusterName: 'c',
        securityGroupId: 'sg-1',
      });
      server = new ModelServer(scope, 'Model', {
        name: 'big',
        pool,
        modelUri: 's3://m/models/big',
        region: 'us-west-2',
        gpusPerReplica: 8,
        nodes: 2,
        weightsGiB: 400,
        autoscaled: true,
        metrics: { addScrapeTarget: (x) => targets.push({ ...x }) },
      });
    });
    const manifests = resourcesOf(json, 'kubernetes_manifest').map((m) => m.manifest as Obj);
    expect(manifests.find((m) => m.kind === 'Service')!.spec.selector).toMatchObject({ 'gpb.io/lws-role': 'leader' });
    expect(manifests.find((m) => m.kind === 'LeaderWorkerSet')!.spec.replicas).toBeUndefined();
    expect(targets[0].podLabels).toEqual({ 'gpb.io/model': 'big', 'gpb.io/lws-role': 'leader' });
    expect(server.scaleTargetRef).toEqual({ apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: 'model-big' });
  });

  it('passes the in-cluster admission policy for leader and worker pods', () => {
    const t = multi().byKind('LeaderWorkerSet').spec.leaderWorkerTemplate;
    for (const template of [t.leaderTemplate, t.workerTemplate]) {
      expect(admit({ spec: template.spec })).toEqual([]);
    }
  });

  it('refuses a pool without EFA, partial nodes and Triton', () => {
    expect(() => model({ gpusPerReplica: 8, nodes: 2 }, ['p4de.24xlarge'], false)).toThrow(
      "'nodes' 2 needs a GPU pool with efa: true; 'big' has no EFA",
    );
    expect(() => model({ gpusPerReplica: 4, nodes: 2 }, ['p4de.24xlarge'], true)).toThrow(
      "'gpusPerReplica' 4 must equal the GPUs per node of every instance type in pool 'big' when a replica spans 2 nodes (whole nodes): p4de.24xlarge has 8",
    );
    expect(() => model({ gpusPerReplica: 8, nodes: 2, engine: 'triton' }, ['p4de.24xlarge'], true)).toThrow('built for vLLM only');
  });
});
