import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import { Aspects, LocalBackend, S3Backend, TerraformStack } from '../constructs/core/cdktf';
import { PermissionsBoundary } from '../constructs/core/permissions-boundary';
import type { Layer } from '../environments/layers';
import type { EnvironmentConfig } from '../environments/schema';
import { PolicyGate } from '../policies/engine/gate';
import type { Suppression } from '../policies/engine/suppressions';

export { LAYERS, type Layer } from '../environments/layers';

/**
 * Where Terraform keeps state: `s3` (the default; what `cdktf deploy` uses) or `local`
 * (offline rehearsal: each stack's state next to its synthesized files).
 */
export type BackendMode = 's3' | 'local';

export interface LayerStackProps {
  readonly env: EnvironmentConfig;
  readonly backend: BackendMode;
}

/** The id of an environment's layer stack: `<env>-<layer>`. */
export function stackId(envName: string, layer: Layer): string {
  return `${envName}-${layer}`;
}

/** The tags every taggable AWS resource of the environment carries (provider default_tags). */
export function environmentTags(env: EnvironmentConfig, layer: Layer): Record<string, string> {
  return {
    ...env.tags.extra,
    environment: env.name,
    stage: env.stage,
    owner: env.tags.owner,
    'cost-center': env.tags.costCenter,
    'managed-by': 'gpu-platform-blueprint',
    'gpb.io/stack': stackId(env.name, layer),
  };
}

/** The Terraform CLI versions every stack accepts (write-only arguments arrived in 1.11). */
export const REQUIRED_TERRAFORM = '>= 1.11.0';

/**
 * One layer of one environment: its own state (S3 with native locking, or local) and the
 * policy gate over its synthesized JSON. Subclasses add the providers of their kind of layer.
 */
export abstract class LayerStack extends TerraformStack {
  readonly env: EnvironmentConfig;
  readonly layer: Layer;

  protected constructor(scope: Construct, layer: Layer, props: LayerStackProps) {
    const id = stackId(props.env.name, layer);
    super(scope, id);
    this.env = props.env;
    this.layer = layer;
    const { env } = props;

    if (props.backend === 'local') {
      // Sibling stacks live side by side under cdktf.out/stacks/, so this path works both as
      // this stack's own state and as the path other stacks read its outputs from.
      new LocalBackend(this, { path: `../${id}/terraform.${id}.tfstate` });
    } else {
      const backend = new S3Backend(this, {
        bucket: env.state.bucket,
        key: `${env.name}/${id}.tfstate`,
        region: env.state.region ?? env.region,
        encrypt: true,
        kmsKeyId: env.state.kmsKeyArn,
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no prop for it.
      backend.addOverride('use_lockfile', true);
    }

    // Write-only arguments (password_wo, secret_string_wo) need Terraform 1.11; an older CLI
    // would fail on them mid-plan instead of saying so first.
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);

    PolicyGate.of(this).attach(
      this,
      { environment: env.name, stage: env.stage, monthlyGpuBudgetUsd: env.budget?.monthlyGpuUsd },
      configSuppressions(env, layer),
    );
  }
}

/**
 * A layer that talks to AWS only (terraform-validated offline): an AWS provider pinned to the
 * environment's region (and account, when given) whose default tags carry environment, owner
 * and cost center, and the environment's permissions boundary on every IAM role.
 */
export abstract class AwsLayerStack extends LayerStack {
  protected constructor(scope: Construct, layer: Layer, props: LayerStackProps) {
    super(scope, layer, props);
    const { env } = props;
    new AwsProvider(this, 'aws', {
      region: env.region,
      allowedAccountIds: env.accountId ? [env.accountId] : undefined,
      defaultTags: [{ tags: environmentTags(env, layer) }],
    });
    if (env.guardrails.permissionsBoundaryArn) {
      Aspects.of(this).add(new PermissionsBoundary(env.guardrails.permissionsBoundaryArn));
    }
  }
}

/** The environment's suppressions that apply to one of its layers, as construct path prefixes. */
export function configSuppressions(env: EnvironmentConfig, layer: Layer): Suppression[] {
  return env.guardrails.suppressions
    .filter((s) => s.path.split('/')[0] === layer)
    .map((s) => ({
      ruleId: s.rule,
      reason: s.reason,
      pathPrefix: [stackId(env.name, layer), ...s.path.split('/').slice(1)].join('/'),
      source: `environment ${env.name}`,
    }));
}
