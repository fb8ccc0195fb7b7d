import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Construct } from 'constructs';

export const ENCRYPTED_GP3 = 'gpb-gp3-encrypted';

export interface EncryptedStorageClassProps {
  /** Keep volumes when their claim is deleted (staging and prod). @default false */
  readonly retain?: boolean;
}

/** An EBS CSI storage class for encrypted gp3 volumes, bound where the pod lands, expandable. */
export class EncryptedStorageClass extends Construct {
  readonly resource: StorageClassV1;
  readonly name = ENCRYPTED_GP3;

  constructor(scope: Construct, id: string, props: EncryptedStorageClassProps = {}) {
    super(scope, id);
    this.resource = new StorageClassV1(this, 'Resource', {
      metadata: { name: ENCRYPTED_GP3, labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } },
      storageProvisioner: 'ebs.csi.aws.com',
      reclaimPolicy: props.retain ? 'Retain' : 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
    });
  }
}
