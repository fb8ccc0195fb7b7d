import { restrictedContainerSecurity, restrictedPodSecurity } from '../guardrails/security-contexts';
import { createHash } from 'node:crypto';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { Construct } from 'constructs';
import { type SyncedMetadata, syncedSecret } from '../platform/secret-sync';
import { LITELLM_USER } from '../../model/pins';
import { TENANT_SYNC_SCRIPT } from './tenant-sync-script';

/** Kubernetes Secret holding every tenant's key, one entry per tenant name. */
const TENANT_KEYS_SECRET = 'gateway-tenant-keys';

export interface GatewayTenant {
  readonly name: string;
  /** Model names or aliases it may call. */
  readonly models: readonly string[];
  readonly requestsPerMinute: number;
  readonly tokensPerMinute?: number;
  readonly maxParallelRequests?: number;
  /** Secrets Manager secret holding its key (`sk-...`). */
  readonly keySecretName: string;
}

export interface TenantSyncProps {
  readonly tenants: readonly GatewayTenant[];
  /** The gateway's image (its Python runs the script). */
  readonly image: string;
  /** Where the gateway's admin API answers inside the cluster. */
  readonly gatewayUrl: string;
  /** The Kubernetes Secret and key holding the master key. */
  readonly masterKey: { readonly secretName: string; readonly key: string };
  /** The gateway's metadata for an object name (namespace, labels). */
  readonly metadata: (name: string) => SyncedMetadata;
  /** The namespace's SecretStore. */
  readonly store: Manifest;
  /** What must exist before the Job runs (the gateway Deployment). */
  readonly after: readonly Manifest[];
}

/**
 * The Job that makes LiteLLM's teams and keys match the tenants, with its inputs: the tenants'
 * keys synced from Secrets Manager and a ConfigMap with the declared tenants and the script.
 * One Job per distinct configuration (its name carries a hash of everything it runs), so a change
 * runs it again and an unchanged apply does not. It waits for the gateway, then upserts through
 * the admin API. Created in `scope` (the gateway), so their addresses are the gateway's.
 */
export function tenantSync(scope: Construct, props: TenantSyncProps): Manifest {
  const { tenants } = props;
  const declared = tenants.map((t) => ({
    name: t.name,
    models: [...t.models],
    rpm: t.requestsPerMinute,
    tpm: t.tokensPerMinute ?? null,
    parallel: t.maxParallelRequests ?? null,
  }));
  const tenantsJson = JSON.stringify(declared, null, 2);
  const keys = syncedSecret(scope, 'TenantKeys', {
    metadata: props.metadata(TENANT_KEYS_SECRET),
    store: props.store,
    data: tenants.map((t) => [t.name, t.keySecretName]),
  });
  const files = new Manifest(scope, 'TenantsConfig', {
    manifest: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: props.metadata('gateway-tenants'),
      data: { 'tenants.json': tenantsJson, 'sync.py': TENANT_SYNC_SCRIPT },
    },
  });
  const template = {
    metadata: { labels: { 'app.kubernetes.io/name': 'gateway-tenants', 'app.kubernetes.io/instance': 'gateway' } },
    spec: {
      restartPolicy: 'OnFailure',
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurity(LITELLM_USER),
      containers: [
        {
          name: 'sync',
          image: props.image,
          command: ['python3', '/etc/gpb/tenants/sync.py'],
          env: [
            { name: 'GATEWAY_URL', value: props.gatewayUrl },
            { name: 'LITELLM_MASTER_KEY', valueFrom: { secretKeyRef: { name: props.masterKey.secretName, key: props.masterKey.key } } },
            { name: 'TENANTS_FILE', value: '/etc/gpb/tenants/tenants.json' },
            { name: 'KEYS_DIR', value: '/etc/gpb/keys' },
          ],
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          securityContext: restrictedContainerSecurity(),
          volumeMounts: [
            { name: 'tenants', mountPath: '/etc/gpb/tenants', readOnly: true },
            { name: 'keys', mountPath: '/etc/gpb/keys', readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'tenants', configMap: { name: 'gateway-tenants' } },
        { name: 'keys', secret: { secretName: TENANT_KEYS_SECRET } },
      ],
    },
  };
  // A Job's pod template is immutable: any change to it, or to the tenants, is a new Job.
  const digest = createHash('sha256')
    .update(tenantsJson)
    .update(JSON.stringify(template))
    .update(tenants.map((t) => t.keySecretName).join(','))
    .digest('hex')
    .slice(0, 10);
  return new Manifest(scope, 'TenantsJob', {
    manifest: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: props.metadata(`gateway-tenants-${digest}`),
      // No ttlSecondsAfterFinished: Terraform would see the Job vanish and run it again.
      spec: { backoffLimit: 6, activeDeadlineSeconds: 1800, template },
    },
    // The API server adds the selector and controller labels to a Job: not drift.
    computedFields: ['metadata.labels', 'metadata.annotations', 'spec.selector', 'spec.template.metadata.labels'],
    dependsOn: [files, keys, ...props.after],
  });
}
