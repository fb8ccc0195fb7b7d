import { LAYERS } from '../../environments/layers';
import { DISRUPTIVE_TYPES, replacementReasons } from './replacement';
import type { StackOutput, SynthOutput, TfResource } from './synth-output';

export interface AttributeChange {
  /** Dot path, e.g. `vpc_config.public_access_cidrs[0]`. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly attributes: readonly AttributeChange[];
  /** Force-new attributes that changed: Terraform will destroy and re-create. */
  readonly replacedBecause: readonly string[];
  /** Set when the resource is stateful or disruptive and is removed or replaced. */
  readonly disruption?: string;
}

export interface StackDiff {
  readonly id: string;
  readonly environment: string;
  readonly layer: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly changes: readonly ResourceChange[];
  /** Removed + added addresses of one type: probably a construct id rename (needs a moved block). */
  readonly possibleRenames: readonly { from: string; to: string }[];
  /** The stack's main resources after the change (before, for a removed stack), e.g. `EKS cluster x1`. */
  readonly mainResources: readonly string[];
}

/** Resource types worth naming in a stack's one-line description. */
const MAIN_TYPES: Readonly<Record<string, string>> = {
  aws_vpc: 'VPC',
  aws_subnet: 'subnets',
  aws_nat_gateway: 'NAT gateways',
  aws_vpc_endpoint: 'VPC endpoints',
  aws_eks_cluster: 'EKS cluster',
  aws_eks_node_group: 'node groups',
  aws_eks_addon: 'add-ons',
  aws_rds_cluster: 'Aurora',
  aws_elasticache_replication_group: 'Valkey',
  aws_s3_bucket: 'buckets',
  kubernetes_namespace_v1: 'namespaces',
  kubernetes_network_policy_v1: 'network policies',
  kubernetes_manifest: 'manifests',
  helm_release: 'charts',
};

/** Compares every stack of two synth outputs, resource by resource. */
export function diffOutputs(base: SynthOutput, head: SynthOutput): StackDiff[] {
  const ids = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort(stackOrder(head, base));
  return ids.map((id) => diffStack(id, base.stacks.get(id), head.stacks.get(id)));
}

/** Environments in the order they appear, layers in apply order within each. */
function stackOrder(head: SynthOutput, base: SynthOutput) {
  const envOrder: string[] = [];
  for (const s of [...head.stacks.values(), ...base.stacks.values()]) if (!envOrder.includes(s.environment)) envOrder.push(s.environment);
  const rank = (id: string) => {
    const s = head.stacks.get(id) ?? base.stacks.get(id)!;
    const layer = (LAYERS as readonly string[]).indexOf(s.layer);
    return envOrder.indexOf(s.environment) * 100 + (layer < 0 ? 99 : layer);
  };
  return (a: string, b: string) => rank(a) - rank(b);
}

export function diffStack(id: string, base: StackOutput | undefined, head: StackOutput | undefined): StackDiff {
  const ref = (head ?? base)!;
  const before = base?.resources ?? new Map<string, TfResource>();
  const after = head?.resources ?? new Map<string, TfResource>();
  const changes: ResourceChange[] = [];
  for (const address of new Set([...before.keys(), ...after.keys()])) {
    if (address.startsWith('data.')) continue; // reads, not changes
    const type = address.split('.')[0];
    const b = before.get(address);
    const a = after.get(address);
    if (b && !a) {
      changes.push({ address, type, kind: 'removed', attributes: [], replacedBecause: [], disruption: DISRUPTIVE_TYPES[type] });
    } else if (!b && a) {
      changes.push({ address, type, kind: 'added', attributes: [], replacedBecause: [] });
    } else if (a && b) {
      const attributes = diffValues(b, a, '');
      if (attributes.length === 0) continue;
      const replacedBecause = replacementReasons(
        type,
        attributes.map((c) => c.path),
      );
      changes.push({
        address,
        type,
        kind: 'changed',
        attributes,
        replacedBecause,
        disruption: replacedBecause.length > 0 && !rollsByReplacement(type, a) ? DISRUPTIVE_TYPES[type] : undefined,
      });
    }
  }
  const removed = changes.filter((c) => c.kind === 'removed');
  const added = changes.filter((c) => c.kind === 'added');
  const possibleRenames = removed.flatMap((r) => {
    const match = added.find((x) => x.type === r.type && similar(before.get(r.address)!, after.get(x.address)!));
    return match ? [{ from: r.address, to: match.address }] : [];
  });
  const status = !base ? 'added' : !head ? 'removed' : changes.length > 0 ? 'changed' : 'unchanged';
  const counts = new Map<string, number>();
  for (const address of (head ? after : before).keys()) {
    const label = MAIN_TYPES[address.split('.')[0]];
    if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const order = Object.values(MAIN_TYPES);
  const mainResources = [...counts].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([label, n]) => `${label} x${n}`);
  return { id, environment: ref.environment, layer: ref.layer, status, changes, possibleRenames, mainResources };
}

/**
 * Resources whose replacement is the way they are meant to change, not a loss: a Kubernetes
 * Job is run-to-completion, and the blueprint names each one after a hash of what it runs
 * (the gateway's tenant sync), so a new configuration is a new Job by design.
 */
function rollsByReplacement(type: string, after: TfResource): boolean {
  if (type !== 'kubernetes_manifest') return false;
  const manifest = (after as { manifest?: { kind?: unknown } }).manifest;
  return manifest?.kind === 'Job';
}

/** Leaf-level differences between two JSON values. */
export function diffValues(before: unknown, after: unknown, path: string): AttributeChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object';
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return [...Array(n).keys()].flatMap((i) => diffValues(before[i], after[i], `${path}[${i}]`));
  }
  if (isObj(before) && isObj(after) && !Array.isArray(before) && !Array.isArray(after)) {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    return [...new Set([...Object.keys(b), ...Object.keys(a)])].sort().flatMap((k) => diffValues(b[k], a[k], path ? `${path}.${k}` : k));
  }
  return [{ path: path || '(value)', before, after }];
}

/** Same resource under a new name: at most a few attributes differ. */
function similar(a: TfResource, b: TfResource): boolean {
  return diffValues(a, b, '').length <= 2;
}
