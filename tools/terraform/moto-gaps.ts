/**
 * What moto (5.2.1, the version the image pins) cannot stand in for, by resource type, with the
 * API it lacks or answers unfaithfully. The rehearsal applies everything else, and a resource
 * that depends on one of these (by reference or depends_on) is left out with it: the second plan
 * must then show exactly the left-out resources, and nothing else, still to create.
 *
 * Found by applying every AWS stack of the reference environments against moto_server: each
 * entry is the first error (or the endless wait) the AWS provider reported for that type.
 */
export const MOTO_GAPS: Readonly<Record<string, string>> = {
  aws_eks_access_entry: 'EKS CreateAccessEntry (404: not implemented)',
  aws_eks_access_policy_association: 'EKS AssociateAccessPolicy (404: not implemented)',
  aws_eks_addon: 'EKS CreateAddon (404: not implemented)',
  aws_eks_pod_identity_association: 'EKS CreatePodIdentityAssociation (404: not implemented)',
  aws_prometheus_alert_manager_definition: 'AMP CreateAlertManagerDefinition (404: not implemented)',
  aws_elasticache_parameter_group: 'ElastiCache CreateCacheParameterGroup (the provider waits without end)',
  aws_elasticache_user_group: 'ElastiCache CreateUserGroup (the provider waits without end)',
  aws_opensearchserverless_access_policy: 'OpenSearch Serverless CreateAccessPolicy (not implemented; the provider retries without end)',
  aws_opensearchserverless_vpc_endpoint: 'OpenSearch Serverless BatchGetVpcEndpoint (not implemented)',
};

/**
 * Arguments moto accepts but does not keep, by resource type: the rehearsal's copy of a stack
 * ignores changes to them (a Terraform override), else every second plan would replace the
 * resource and everything that reads it.
 */
export const MOTO_UNKEPT: Readonly<Record<string, { readonly arguments: readonly string[]; readonly why: string }>> = {
  aws_eks_cluster: {
    arguments: ['access_config', 'upgrade_policy'],
    why: 'moto EKS CreateCluster drops accessConfig and upgradePolicy (DescribeCluster returns neither)',
  },
  aws_prometheus_workspace: { arguments: ['kms_key_arn'], why: 'moto AMP CreateWorkspace drops kmsKeyArn' },
  aws_db_instance: {
    arguments: ['performance_insights_enabled', 'performance_insights_kms_key_id'],
    why: 'moto RDS CreateDBInstance drops Performance Insights',
  },
  aws_db_parameter_group: {
    arguments: ['parameter'],
    why: 'moto RDS DescribeDBParameters does not return the parameters set on a postgres17 group',
  },
  aws_launch_template: {
    arguments: ['tag_specifications'],
    why: "moto EC2 DescribeLaunchTemplateVersions returns a 'launch-template' tag specification nobody set",
  },
};

/**
 * Resources moto cannot create for what they refer to, not for their type: a rule on the
 * cluster security group EKS reports, which moto's EKS does not create in EC2.
 */
export const MOTO_UNFAITHFUL_REFERENCES: readonly { readonly text: string; readonly why: string }[] = [
  {
    text: 'cluster_security_group_id',
    why: "moto's EKS reports a cluster security group that its EC2 does not have (AuthorizeSecurityGroupIngress: 400)",
  },
];

/**
 * Stacks the rehearsal plans but does not apply, each with the reason. Keep this list short:
 * every entry is a stack whose convergence is not shown offline.
 */
export const MOTO_PLAN_ONLY: Readonly<Record<string, string>> = {
  // Found 2026-12-02, cause not found yet: staging's instance of the same construct applies.
  'prod-data':
    "moto loses prod's gateway database after creating it (the provider's read answers: reading RDS DB Instance (): couldn't find resource)",
};

type TfJson = {
  resource?: Record<string, Record<string, unknown>>;
};

/** Resources that reference an address (`${type.name...}`) or name it in depends_on. */
function referencesOf(config: unknown): Set<string> {
  const text = JSON.stringify(config);
  const found = new Set<string>();
  for (const m of text.matchAll(/\b(aws_[a-z0-9_]+|terraform_data|null_resource|time_sleep)\.([A-Za-z0-9_-]+)/g))
    found.add(`${m[1]}.${m[2]}`);
  return found;
}

export interface RehearsalSplit {
  /** Managed resources the rehearsal applies. */
  readonly applied: readonly string[];
  /** Left out: each with why (its own gap, or the gap of what it depends on). */
  readonly leftOut: ReadonlyMap<string, string>;
}

/**
 * Splits a synthesized stack's resources into what moto can apply and what it cannot: the gap
 * types and, transitively, everything that depends on one of them.
 */
export function splitForMoto(json: TfJson, gaps: Readonly<Record<string, string>> = MOTO_GAPS): RehearsalSplit {
  const all = new Map<string, Set<string>>();
  for (const [type, instances] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(instances)) all.set(`${type}.${name}`, referencesOf(config));
  }
  const leftOut = new Map<string, string>();
  for (const [type, instances] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(instances)) {
      const text = JSON.stringify(config);
      const gap = gaps[type] ?? MOTO_UNFAITHFUL_REFERENCES.find((u) => text.includes(u.text))?.why;
      if (gap) leftOut.set(`${type}.${name}`, gap);
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const [address, refs] of all) {
      if (leftOut.has(address)) continue;
      const blocker = [...refs].find((r) => r !== address && leftOut.has(r));
      if (blocker) {
        leftOut.set(address, `depends on ${blocker}`);
        changed = true;
      }
    }
  }
  return { applied: [...all.keys()].filter((a) => !leftOut.has(a)).sort(), leftOut };
}

/** Resource overrides for the rehearsal's copy: ignore the arguments moto does not keep. */
export function unkeptOverrides(json: TfJson): Record<string, Record<string, { lifecycle: { ignore_changes: string[] } }>> {
  const out: Record<string, Record<string, { lifecycle: { ignore_changes: string[] } }>> = {};
  for (const [type, instances] of Object.entries(json.resource ?? {})) {
    const unkept = MOTO_UNKEPT[type];
    if (!unkept) continue;
    for (const [name, config] of Object.entries(instances)) {
      const existing = ((config as { lifecycle?: { ignore_changes?: string[] } }).lifecycle?.ignore_changes ?? []).filter(
        (a) => typeof a === 'string',
      );
      (out[type] ??= {})[name] = { lifecycle: { ignore_changes: [...new Set([...existing, ...unkept.arguments])] } };
    }
  }
  return out;
}
