import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { SYSTEM_POOL_LABEL } from '../cluster/system-node-group';
import type { IScrapeRegistry } from '../telemetry/otel-collector';
import { GPU_TAINT } from '../../model/gpu-capacity';
import { CHARTS } from '../../model/pins';

/** Pinned NVIDIA GPU operator chart. */
export const GPU_OPERATOR_VERSION = CHARTS.gpuOperator.version;
export const GPU_OPERATOR_NAMESPACE = 'gpu-operator';
/** The DCGM exporter's pods and metrics port. */
export const DCGM_EXPORTER = { podLabels: { app: 'nvidia-dcgm-exporter' }, port: 9400 } as const;

export interface PoolSharing {
  /** Pool name: the key of its device plugin configuration. */
  readonly pool: string;
  /** Pods per GPU. */
  readonly timeSlicingReplicas: number;
}

export interface NvidiaGpuOperatorProps {
  /** Time-sliced pools; each gets its own device plugin configuration. @default [] */
  readonly timeSlicing?: readonly PoolSharing[];
  /** Run the MIG manager (pools with a MIG profile label their nodes). @default false */
  readonly mig?: boolean;
  /** Where the DCGM exporter registers for scraping. @default - not scraped */
  readonly metrics?: IScrapeRegistry;
}

/**
 * The NVIDIA GPU operator for AL2023 GPU nodes, whose AMI already has the driver and container
 * toolkit: it runs the device plugin (per-pool time-slicing configurations selected by the node
 * label `nvidia.com/device-plugin.config`), GPU feature discovery, the DCGM exporter and, when
 * asked, the MIG manager (profile from the node label `nvidia.com/mig.config`). Its operands
 * tolerate the GPU taint and run only on GPU nodes; the operator itself on system nodes. Its
 * namespace is privileged by necessity (host drivers and devices).
 */
export class NvidiaGpuOperator extends Construct {
  readonly resource: Release;
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: NvidiaGpuOperatorProps = {}) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: GPU_OPERATOR_NAMESPACE,
        labels: {
          'app.kubernetes.io/managed-by': 'gpu-platform-blueprint',
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/audit': 'privileged',
          'pod-security.kubernetes.io/warn': 'privileged',
        },
      },
    });
    const tolerations = [{ key: GPU_TAINT.key, operator: 'Exists', effect: GPU_TAINT.effect }];
    const system = { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value };
    this.resource = new Release(this, 'Resource', {
      name: 'gpu-operator',
      repository: CHARTS.gpuOperator.repository,
      chart: CHARTS.gpuOperator.chart,
      version: GPU_OPERATOR_VERSION,
      namespace: GPU_OPERATOR_NAMESPACE,
      atomic: true,
      timeout: 900,
      values: [
        JSON.stringify({
          operator: { nodeSelector: system },
          driver: { enabled: false },
          toolkit: { enabled: false },
          daemonsets: { tolerations },
          'node-feature-discovery': { master: { nodeSelector: system }, worker: { tolerations } },
          devicePlugin: {
            config: { create: true, name: 'gpb-device-plugin', default: 'default', data: devicePluginConfigs(props.timeSlicing ?? []) },
          },
          mig: { strategy: 'mixed' },
          migManager: { enabled: props.mig ?? false },
          dcgmExporter: { enabled: true, serviceMonitor: { enabled: false } },
        }),
      ],
      dependsOn: [this.namespace],
    });
    props.metrics?.addScrapeTarget({ name: 'dcgm-exporter', source: 'dcgm', namespace: GPU_OPERATOR_NAMESPACE, ...DCGM_EXPORTER });
  }
}

/** Device plugin configurations: `default` plus one time-slicing entry per pool. */
export function devicePluginConfigs(pools: readonly PoolSharing[]): Record<string, string> {
  const configs: Record<string, string> = { default: 'version: v1\nflags:\n  migStrategy: mixed\n' };
  for (const p of pools) {
    configs[p.pool] = [
      'version: v1',
      'flags:',
      '  migStrategy: none',
      'sharing:',
      '  timeSlicing:',
      '    resources:',
      '      - name: nvidia.com/gpu',
      `        replicas: ${p.timeSlicingReplicas}`,
      '',
    ].join('\n');
  }
  return configs;
}
