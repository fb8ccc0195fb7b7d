import { resourceRule, type Rule, stackRule } from '../../engine/rule';
import { block, blocks } from '../../engine/stack-view';
import { isGpuNodeGroup } from '../gpu-capacity';

export const COST_RULES: Rule[] = [
  stackRule({
    id: 'GPB-COST-001',
    pack: 'cost',
    severity: 'warning',
    title: 'Dev environments share one NAT gateway',
    rationale: 'Each NAT gateway costs about $33 a month before traffic; zone-independent egress matters in prod, not in dev.',
    remediation: "Set network.natStrategy = 'single' in dev-stage environments.",
    evaluate: (stack, ctx) => {
      const nats = stack.resourcesOf('aws_nat_gateway');
      return ctx.stage === 'dev' && nats.length > 1
        ? [{ resource: nats[1], message: `${nats.length} NAT gateways in a dev-stage environment` }]
        : [];
    },
  }),
  resourceRule({
    id: 'GPB-COST-002',
    pack: 'cost',
    severity: 'warning',
    title: 'EKS stays on standard support',
    rationale: 'A cluster past standard support bills extended support at six times the hourly price; EKS opts you in by default.',
    remediation: "Set upgrade_policy.support_type = 'STANDARD' (EksCluster does) and upgrade on schedule.",
    types: ['aws_eks_cluster'],
    check: (r) =>
      block(r.config.upgrade_policy)?.support_type === 'STANDARD'
        ? undefined
        : "upgrade_policy.support_type is not 'STANDARD' (default is EXTENDED)",
  }),
  resourceRule({
    id: 'GPB-COST-003',
    pack: 'cost',
    severity: 'warning',
    title: 'Volumes use gp3, not gp2',
    rationale: 'gp3 is about 20% cheaper than gp2 with better baseline throughput.',
    remediation: "Set volume_type = 'gp3'.",
    types: ['aws_launch_template', 'aws_ebs_volume'],
    check: (r) => {
      const types =
        r.type === 'aws_ebs_volume' ? [r.config.type] : blocks(r.config.block_device_mappings).map((m) => block(m.ebs)?.volume_type);
      return types.includes('gp2') ? 'uses gp2' : undefined;
    },
  }),
  resourceRule({
    id: 'GPB-COST-004',
    pack: 'cost',
    severity: 'warning',
    title: 'Dev GPU node groups scale to zero',
    rationale: 'An idle GPU node costs $1-100 an hour; dev capacity should exist only while used.',
    remediation: 'Set the minimum size to 0 in dev-stage environments (or use a Karpenter GpuNodePool).',
    types: ['aws_eks_node_group'],
    check: (r, ctx) => {
      if (ctx.stage !== 'dev' || !isGpuNodeGroup(r)) return undefined;
      const min = block(r.config.scaling_config)?.min_size;
      return typeof min === 'number' && min > 0 ? `min_size is ${min}` : undefined;
    },
  }),
];
