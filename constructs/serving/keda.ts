import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { SYSTEM_POOL_LABEL } from '../cluster/system-node-group';
import type { ITerraformDependable } from '../core/cdktf';
import { BlueprintError, show } from '../../model/errors';
import type { IScrapeRegistry } from '../telemetry/otel-collector';
import { CHARTS } from '../../model/pins';
import { replicaRangeProblems } from '../../model/rules/replicas';
import { throwProblems } from '../../model/rules/problem';
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from '../guardrails/security-contexts';
import { DEFAULTS } from '../../model/defaults';

/** Pinned KEDA chart (chart and operator share the version). */
export const KEDA_VERSION = CHARTS.keda.version;
export const KEDA_NAMESPACE = 'keda';
/** The operator's service account: its Pod Identity role may query the Prometheus workspace. */
export const KEDA_OPERATOR_SERVICE_ACCOUNT = 'keda-operator';
/** The operator's metrics port (scraped; KEDA's own errors are an alert). */
export const KEDA_METRICS_PORT = 8080;
/** Name of the TriggerAuthentication model autoscalers use. */
export const KEDA_AUTHENTICATION = 'amp';

export interface KedaProps {
  /** @default 1 */
  readonly replicas?: number;
  /** Where the operator registers its metrics for scraping. @default - not scraped */
  readonly metrics?: IScrapeRegistry;
}

/**
 * KEDA on the system nodes, in its own namespace under the restricted Pod Security level. It
 * scales model servers on their own metrics read from Amazon Managed Service for Prometheus,
 * signing its queries with its Pod Identity role (the data layer grants query access to the
 * workspace and nothing else).
 */
export class Keda extends Construct {
  readonly resource: Release;

  constructor(scope: Construct, id: string, props: KedaProps = {}) {
    super(scope, id);
    const namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: KEDA_NAMESPACE,
        labels: {
          'app.kubernetes.io/managed-by': 'gpu-platform-blueprint',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
    const system = { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value };
    this.resource = new Release(this, 'Resource', {
      name: 'keda',
      repository: CHARTS.keda.repository,
      chart: CHARTS.keda.chart,
      version: KEDA_VERSION,
      namespace: KEDA_NAMESPACE,
      atomic: true,
      timeout: 600,
      values: [
        JSON.stringify({
          operator: { replicaCount: props.replicas ?? 1 },
          nodeSelector: system,
          prometheus: { operator: { enabled: true, port: KEDA_METRICS_PORT } },
          // Every pod and container security context the chart renders, explicitly (the keda
          // namespace enforces restricted; GPB-K8S-014). The chart's defaults already meet it.
          podSecurityContext: { operator: RESTRICTED_POD, metricServer: RESTRICTED_POD, webhooks: RESTRICTED_POD },
          securityContext: { operator: RESTRICTED_CONTAINER, metricServer: RESTRICTED_CONTAINER, webhooks: RESTRICTED_CONTAINER },
          // Memory limits only. Helm merges these maps into the chart's defaults, which carry a
          // one-core CPU limit for each (values.yaml of keda 2.17.2 to 2.20.2): null removes it.
          resources: {
            operator: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: null, memory: '512Mi' } },
            metricServer: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: null, memory: '512Mi' } },
            webhooks: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: null, memory: '256Mi' } },
          },
        }),
      ],
      dependsOn: [namespace],
    });
    props.metrics?.addScrapeTarget({
      name: 'keda-operator',
      source: 'keda',
      namespace: KEDA_NAMESPACE,
      podLabels: { app: 'keda-operator' },
      port: KEDA_METRICS_PORT,
    });
  }
}

/** Requests per second per replica of the wake trigger: high, so it activates and never sizes. */
export const WAKE_THRESHOLD = 1000;

/** Requests the gateway received for a model (any of its names) over two minutes. */
export function gatewayWakeQuery(names: readonly string[]): string {
  return `sum(rate(litellm_proxy_total_requests_metric_total{requested_model=~"${names.map((n) => n.replace(/[.]/g, '\\\\.')).join('|')}"}[2m]))`;
}

/** A Prometheus query, an AMP workspace to run it on, and the scaling it drives. */
/**
 * What a ScaledObject scales (the shape of cdk8s-plus's IScalable): a workload's scale target
 * and its namespace, where the ScaledObject is created under the same name. ModelServer is one.
 */
export interface IScalable {
  readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly namespace: string;
}

export interface ModelAutoscalingProps {
  /** The Deployment (or LeaderWorkerSet) to scale. */
  readonly target: IScalable;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Query returning one number: the load of the whole model (e.g. requests waiting). */
  readonly query: string;
  /**
   * The target. With `AverageValue` the query is the model's total load and this the load per
   * replica (replicas = ceil(load / target)); with `Value` the query is already an average (a
   * queue time) and replicas grow in proportion to how far it is above this.
   */
  readonly targetPerReplica: number;
  /** @default 'AverageValue' */
  readonly metricType?: 'AverageValue' | 'Value';
  /** Load above which a model at zero replicas is woken. @default 0 */
  readonly activationThreshold?: number;
  /** `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>` */
  readonly prometheusUrl: string;
  readonly region: string;
  /** The TriggerAuthentication (KEDA's own Pod Identity) in the namespace. */
  readonly authenticationName: string;
  /** Seconds between queries. @default 15 */
  readonly pollingSeconds?: number;
  /** Seconds of no load before scaling to the minimum. @default 300 */
  readonly cooldownSeconds?: number;
  /**
   * Requests for the model arriving elsewhere (the gateway): wakes a model at zero replicas. Its
   * target is high so it only activates; the load query sizes. @default - no wake trigger
   */
  readonly wakeQuery?: string;
  /** What must exist first (the Deployment, the TriggerAuthentication). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A KEDA ScaledObject for one model server: replicas follow the server's own queue metric
 * from the Prometheus workspace. Scale-up adds up to two pods a minute; scale-down removes
 * one pod per five minutes after a ten-minute window, so a GPU pod that took minutes to load
 * is not dropped on a short lull.
 */
export class ModelAutoscaling extends Construct {
  readonly resource: Manifest;

  constructor(scope: Construct, id: string, props: ModelAutoscalingProps) {
    super(scope, id);
    if (props.minReplicas === 0 && !props.wakeQuery) {
      throw new BlueprintError(
        `ModelAutoscaling '${id}': 'minReplicas' 0 needs a 'wakeQuery': at zero replicas the model reports no load of its own`,
      );
    }
    throwProblems(`ModelAutoscaling '${id}'`, replicaRangeProblems(props));
    if (!(props.targetPerReplica > 0)) {
      throw new BlueprintError(`ModelAutoscaling '${id}': 'targetPerReplica' ${show(props.targetPerReplica)} must be above 0`);
    }
    this.resource = new Manifest(this, 'Resource', {
      manifest: {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: {
          name: props.target.scaleTargetRef.name,
          namespace: props.target.namespace,
          labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' },
        },
        spec: {
          scaleTargetRef: {
            apiVersion: props.target.scaleTargetRef.apiVersion,
            kind: props.target.scaleTargetRef.kind,
            name: props.target.scaleTargetRef.name,
          },
          minReplicaCount: props.minReplicas,
          maxReplicaCount: props.maxReplicas,
          pollingInterval: props.pollingSeconds ?? DEFAULTS.autoscaling.pollingSeconds,
          cooldownPeriod: props.cooldownSeconds ?? DEFAULTS.autoscaling.cooldownSeconds,
          advanced: {
            horizontalPodAutoscalerConfig: {
              behavior: {
                scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
                scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
              },
            },
          },
          triggers: [
            {
              type: 'prometheus',
              name: 'load',
              metricType: props.metricType ?? 'AverageValue',
              metadata: {
                serverAddress: props.prometheusUrl,
                awsRegion: props.region,
                query: props.query,
                threshold: String(props.targetPerReplica),
                activationThreshold: String(props.activationThreshold ?? 0),
                // No series (no replica has reported yet) counts as no load.
                ignoreNullValues: 'true',
              },
              authenticationRef: { name: props.authenticationName },
            },
            ...(props.wakeQuery
              ? [
                  {
                    type: 'prometheus',
                    name: 'wake',
                    metricType: 'AverageValue',
                    metadata: {
                      serverAddress: props.prometheusUrl,
                      awsRegion: props.region,
                      query: props.wakeQuery,
                      threshold: String(WAKE_THRESHOLD),
                      activationThreshold: '0',
                      ignoreNullValues: 'true',
                    },
                    authenticationRef: { name: props.authenticationName },
                  },
                ]
              : []),
          ],
        },
      },
      dependsOn: props.dependsOn,
    });
  }
}

/** The TriggerAuthentication model autoscalers share: KEDA's own AWS identity (Pod Identity). */
export function kedaAwsAuthentication(scope: Construct, id: string, namespace: string, name = KEDA_AUTHENTICATION): Manifest {
  return new Manifest(scope, id, {
    manifest: {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } },
      spec: { podIdentity: { provider: 'aws', identityOwner: 'keda' } },
    },
  });
}
