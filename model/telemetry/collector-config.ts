import { BlueprintError } from '../errors';

/**
 * The OpenTelemetry Collector configuration, typed down to the component types the blueprint
 * uses (all in the contrib distribution). A component id is `type` or `type/name`; the checks
 * below make a pipeline that names an undefined component, or a component nothing uses, an
 * error at synth instead of a crash-looping collector.
 */
export type ReceiverType = 'otlp' | 'prometheus' | 'kubeletstats' | 'file_log' | 'k8s_cluster';
export type ProcessorType = 'memory_limiter' | 'batch' | 'k8s_attributes' | 'resource' | 'probabilistic_sampler';
export type ExporterType = 'otlp' | 'otlphttp' | 'prometheusremotewrite' | 'awscloudwatchlogs' | 'awsxray';
export type ExtensionType = 'health_check' | 'sigv4auth' | 'k8s_leader_elector';

type Id<T extends string> = T | `${T}/${string}`;
export type Signal = 'metrics' | 'logs' | 'traces';

export interface Pipeline {
  readonly receivers: readonly Id<ReceiverType>[];
  readonly processors: readonly Id<ProcessorType>[];
  readonly exporters: readonly Id<ExporterType>[];
}

export interface CollectorConfig {
  readonly extensions: Partial<Record<Id<ExtensionType>, object>>;
  readonly receivers: Partial<Record<Id<ReceiverType>, object>>;
  readonly processors: Partial<Record<Id<ProcessorType>, object>>;
  readonly exporters: Partial<Record<Id<ExporterType>, object>>;
  readonly service: {
    readonly extensions: readonly Id<ExtensionType>[];
    readonly pipelines: Partial<Record<Signal | `${Signal}/${string}`, Pipeline>>;
  };
}

/** Memory limiter first, batch last: the order the collector's documentation prescribes. */
const FIRST: ProcessorType = 'memory_limiter';
const LAST: ProcessorType = 'batch';
const typeOf = (id: string) => id.split('/')[0];

/**
 * Component types renamed upstream, whose old names still load as deprecated aliases at the
 * pinned collector (contrib 0.153.0) and go away later: the configuration uses the new names.
 */
export const DEPRECATED_COMPONENT_TYPES: Readonly<Record<string, string>> = {
  // opentelemetry-collector-contrib CHANGELOG v0.146.0, Deprecations (#45894).
  k8sattributes: 'k8s_attributes',
  // opentelemetry-collector-contrib pull request #46750 (merged March 2026, before 0.153.0).
  filelog: 'file_log',
};

/** Every problem of a collector configuration, one message each (empty when it is sound). */
export function collectorConfigProblems(name: string, c: CollectorConfig): string[] {
  const problems: string[] = [];
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  const pipelines = Object.entries(c.service.pipelines) as [string, Pipeline][];
  if (pipelines.length === 0) problems.push(`collector '${name}': has no pipelines`);
  for (const [pname, p] of pipelines) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      const defined = c[kind] as Record<string, object>;
      for (const id of p[kind]) {
        used[kind].add(id);
        if (!(id in defined))
          problems.push(`collector '${name}': pipeline '${pname}' uses ${kind.slice(0, -1)} '${id}', which is not defined`);
      }
    }
    if (p.receivers.length === 0) problems.push(`collector '${name}': pipeline '${pname}' has no receivers`);
    if (p.exporters.length === 0) problems.push(`collector '${name}': pipeline '${pname}' has no exporters`);
    const procs = p.processors.map(typeOf);
    if (procs[0] !== FIRST)
      problems.push(`collector '${name}': pipeline '${pname}' must start with '${FIRST}' (got ${procs.join(', ') || 'none'})`);
    if (procs[procs.length - 1] !== LAST) problems.push(`collector '${name}': pipeline '${pname}' must end with '${LAST}'`);
  }
  for (const kind of ['receivers', 'processors', 'exporters'] as const) {
    for (const id of Object.keys(c[kind])) {
      const renamed = DEPRECATED_COMPONENT_TYPES[typeOf(id)];
      if (renamed)
        problems.push(`collector '${name}': ${kind.slice(0, -1)} '${id}' uses the deprecated type name '${typeOf(id)}' (now '${renamed}')`);
      if (!used[kind].has(id)) problems.push(`collector '${name}': ${kind.slice(0, -1)} '${id}' is defined but no pipeline uses it`);
    }
  }
  for (const id of c.service.extensions) {
    if (!(id in c.extensions)) problems.push(`collector '${name}': extension '${id}' is enabled but not defined`);
  }
  for (const id of Object.keys(c.extensions)) {
    if (!c.service.extensions.includes(id as Id<ExtensionType>))
      problems.push(`collector '${name}': extension '${id}' is defined but not enabled`);
  }
  return problems;
}

export function assertCollectorConfig(name: string, c: CollectorConfig): void {
  const problems = collectorConfigProblems(name, c);
  if (problems.length > 0) throw new BlueprintError(problems.join('\n'));
}
