import { coversInternet } from '../../../model/cidr';
import { resourceRule, type Rule, stackRule } from '../../engine/rule';
import { block, blocks, type JsonObject, type ResourceView, strings } from '../../engine/stack-view';

const ADMIN_PORTS: Record<number, string> = { 22: 'SSH', 3389: 'RDP', 6443: 'Kubernetes API', 10250: 'kubelet', 2379: 'etcd' };
const ANYWHERE = ['0.0.0.0/0', '::/0'];

interface Ingress {
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly protocol: string;
  readonly cidrs: string[];
}

/** Ingress rules of any of the three ways Terraform can express them. */
function ingressOf(r: ResourceView): Ingress[] {
  const c = r.config;
  const one = (x: JsonObject, cidrs: string[]): Ingress => ({
    from: typeof x.from_port === 'number' ? x.from_port : undefined,
    to: typeof x.to_port === 'number' ? x.to_port : undefined,
    protocol: String(x.ip_protocol ?? x.protocol ?? ''),
    cidrs,
  });
  switch (r.type) {
    case 'aws_security_group':
      return blocks(c.ingress).map((i) => one(i, [...strings(i.cidr_blocks), ...strings(i.ipv6_cidr_blocks)]));
    case 'aws_security_group_rule':
      return c.type === 'ingress' ? [one(c, [...strings(c.cidr_blocks), ...strings(c.ipv6_cidr_blocks)])] : [];
    case 'aws_vpc_security_group_ingress_rule':
      return [one(c, [...strings(c.cidr_ipv4), ...strings(c.cidr_ipv6)])];
    default:
      return [];
  }
}

function coversPort(i: Ingress, port: number): boolean {
  if (i.protocol === '-1' || i.protocol === 'all') return true;
  if (i.from === undefined || i.to === undefined) return false;
  return i.from <= port && port <= i.to;
}

const SG_TYPES = ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'];

export const AWS_NETWORK_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-AWS-010',
    pack: 'aws',
    severity: 'error',
    title: 'No admin port is open to the internet',
    rationale: 'SSH, RDP, the Kubernetes API, kubelet and etcd reachable from anywhere are the first thing scanners find.',
    remediation: 'Restrict the source to known CIDRs or security groups, or reach nodes through SSM instead of SSH.',
    checkov: 'CKV_AWS_24',
    types: SG_TYPES,
    check: (r) =>
      ingressOf(r).flatMap((i) =>
        i.cidrs
          .filter((c) => ANYWHERE.includes(c))
          .flatMap((c) =>
            Object.entries(ADMIN_PORTS)
              .filter(([port]) => coversPort(i, Number(port)))
              .map(([port, name]) => `ingress from ${c} reaches port ${port} (${name})`),
          ),
      ),
  }),
  resourceRule({
    id: 'GPB-AWS-011',
    pack: 'aws',
    severity: 'error',
    title: 'Nothing in a prod-stage environment admits 0.0.0.0/0',
    rationale: 'Prod traffic enters through load balancers with allow lists or private connectivity, never an open security group.',
    remediation: 'Name the client CIDRs or security groups; put public entry points behind an ALB with an allow list.',
    types: SG_TYPES,
    check: (r, ctx) =>
      ctx.stage !== 'prod'
        ? undefined
        : ingressOf(r).flatMap((i) => i.cidrs.filter((c) => ANYWHERE.includes(c)).map((c) => `ingress from ${c} in prod`)),
  }),
  resourceRule({
    id: 'GPB-AWS-012',
    pack: 'aws',
    severity: 'error',
    title: 'A public EKS endpoint has an allow list',
    rationale: 'With public access on and no CIDR list, EKS opens the Kubernetes API to 0.0.0.0/0.',
    remediation: 'Set vpc_config.public_access_cidrs to your networks, or turn endpoint_public_access off.',
    checkov: 'CKV_AWS_38',
    types: ['aws_eks_cluster'],
    check: (r) => {
      const vpc = block(r.config.vpc_config);
      if (!vpc || vpc.endpoint_public_access === false) return undefined;
      const cidrs = strings(vpc.public_access_cidrs);
      if (cidrs.length === 0) return 'endpoint_public_access is on with no public_access_cidrs (defaults to 0.0.0.0/0)';
      const open = cidrs.filter((c) => ANYWHERE.includes(c)).map((c) => `public_access_cidrs contains ${c}`);
      if (open.length === 0 && coversInternet(cidrs))
        open.push(`public_access_cidrs ${cidrs.join(', ')} together admit every IPv4 address`);
      return open;
    },
  }),
  resourceRule({
    id: 'GPB-AWS-013',
    pack: 'aws',
    severity: 'error',
    title: 'The EKS endpoint is private-only in prod',
    rationale: 'A prod control plane reachable from the internet widens the attack surface for no operational need.',
    remediation: 'Set cluster.endpoint.publicAccess = false; reach the API from inside the VPC (SSM, VPN, bastion).',
    checkov: 'CKV_AWS_39',
    types: ['aws_eks_cluster'],
    check: (r, ctx) => {
      if (ctx.stage !== 'prod') return undefined;
      const vpc = block(r.config.vpc_config);
      return vpc?.endpoint_public_access === false ? undefined : 'endpoint_public_access is not false in a prod-stage environment';
    },
  }),
  stackRule({
    id: 'GPB-AWS-014',
    pack: 'aws',
    severity: 'error',
    title: 'Every VPC has flow logs',
    rationale: 'Flow logs are the record of who talked to what, needed for incident response.',
    remediation: 'Add FlowLogs for the VPC (NetworkStack does).',
    checkov: 'CKV2_AWS_11',
    evaluate: (stack) =>
      stack
        .resourcesOf('aws_vpc')
        .filter((vpc) => stack.referencing('aws_flow_log', vpc).length === 0)
        .map((resource) => ({ resource, message: 'no aws_flow_log references this VPC' })),
  }),
  stackRule({
    id: 'GPB-AWS-015',
    pack: 'aws',
    severity: 'error',
    title: "Every VPC's default security group admits nothing",
    rationale: 'Resources launched without a security group land in the default one; it must not allow traffic.',
    remediation: 'Manage aws_default_security_group for the VPC with no ingress or egress rules (Network does).',
    checkov: 'CKV2_AWS_12',
    evaluate: (stack) =>
      stack.resourcesOf('aws_vpc').flatMap((vpc) => {
        const sgs = stack.referencing('aws_default_security_group', vpc);
        if (sgs.length === 0)
          return [{ resource: vpc, message: 'the default security group is not managed (AWS default allows traffic within it)' }];
        return sgs
          .filter((sg) => blocks(sg.config.ingress).length > 0 || blocks(sg.config.egress).length > 0)
          .map((sg) => ({ resource: sg, message: 'the default security group has rules' }));
      }),
  }),
];
