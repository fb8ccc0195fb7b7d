import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { OpensearchserverlessAccessPolicy } from '@cdktf/provider-aws/lib/opensearchserverless-access-policy';
import { OpensearchserverlessCollection } from '@cdktf/provider-aws/lib/opensearchserverless-collection';
import { OpensearchserverlessSecurityPolicy } from '@cdktf/provider-aws/lib/opensearchserverless-security-policy';
import { OpensearchserverlessVpcEndpoint } from '@cdktf/provider-aws/lib/opensearchserverless-vpc-endpoint';
import { Construct } from 'constructs';
import type { PodIdentityRole } from '../cluster/pod-identity-role';
import { BlueprintError } from '../../model/errors';
import { createDataSecurityGroup } from './data-security-group';
import {
  createClientRoles,
  type DataServiceProps,
  type ClientAdmission,
  type IVectorStore,
  type VectorStoreCredentials,
} from './vector-store';
import { DEFAULTS } from '../../model/defaults';

export interface OpenSearchVectorStoreProps extends DataServiceProps {
  /** Collection name: 3-28 lowercase letters, digits, hyphens. */
  readonly name: string;
  /** @default true */
  readonly standbyReplicas?: boolean;
}

/**
 * An OpenSearch Serverless vector search collection: encrypted with its own KMS key, reachable
 * only through a VPC endpoint in the private subnets (never from the internet), and a data access
 * policy naming exactly the clients' Pod Identity roles.
 */
export class OpenSearchVectorStore extends Construct implements IVectorStore {
  readonly engine = 'opensearch-serverless' as const;
  readonly resource: OpensearchserverlessCollection;
  readonly endpoint: string;
  readonly port = 443;
  readonly credentials: VectorStoreCredentials = { kind: 'sigv4', service: 'aoss' };
  readonly securityGroupId: string;
  readonly admission: ClientAdmission;
  readonly clientRoles: ReadonlyMap<string, PodIdentityRole>;

  constructor(scope: Construct, id: string, props: OpenSearchVectorStoreProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]{2,27}$/.test(props.name)) {
      throw new BlueprintError(
        `OpenSearchVectorStore: 'name' '${props.name}' must be 3-28 lowercase letters, digits or hyphens, starting with a letter`,
      );
    }
    const collection = `collection/${props.name}`;
    const key = new KmsKey(this, 'Key', {
      description: `OpenSearch Serverless ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    const encryption = new OpensearchserverlessSecurityPolicy(this, 'EncryptionPolicy', {
      name: `${props.name}-enc`,
      type: 'encryption',
      policy: JSON.stringify({ Rules: [{ ResourceType: 'collection', Resource: [collection] }], AWSOwnedKey: false, KmsARN: key.arn }),
    });
    const sg = createDataSecurityGroup(this, {
      name: `${props.name}-aoss`,
      vpcId: props.vpcId,
      port: this.port,
      clientSecurityGroupId: props.cluster.clusterSecurityGroupId,
      description: 'OpenSearch Serverless VPC endpoint: HTTPS from the EKS cluster only',
    });
    this.securityGroupId = sg.id;
    this.admission = { kind: 'security-group', id: sg.id };
    const vpce = new OpensearchserverlessVpcEndpoint(this, 'VpcEndpoint', {
      name: `${props.name}-vpce`.slice(0, 32),
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      securityGroupIds: [sg.id],
    });
    const network = new OpensearchserverlessSecurityPolicy(this, 'NetworkPolicy', {
      name: `${props.name}-net`,
      type: 'network',
      policy: JSON.stringify([
        { Rules: [{ ResourceType: 'collection', Resource: [collection] }], AllowFromPublic: false, SourceVPCEs: [vpce.id] },
      ]),
    });
    this.resource = new OpensearchserverlessCollection(this, 'Resource', {
      name: props.name,
      type: 'VECTORSEARCH',
      standbyReplicas: (props.standbyReplicas ?? DEFAULTS.openSearch.standbyReplicas) ? 'ENABLED' : 'DISABLED',
      dependsOn: [encryption, network],
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
    this.endpoint = this.resource.collectionEndpoint;

    this.clientRoles = createClientRoles(this, props, [
      { Sid: 'UseVectorCollection', Effect: 'Allow', Action: 'aoss:APIAccessAll', Resource: this.resource.arn },
    ]);
    if (this.clientRoles.size > 0) {
      new OpensearchserverlessAccessPolicy(this, 'DataAccessPolicy', {
        name: `${props.name}-data`,
        type: 'data',
        policy: JSON.stringify([
          {
            Rules: [
              { ResourceType: 'collection', Resource: [collection], Permission: ['aoss:DescribeCollectionItems'] },
              {
                ResourceType: 'index',
                Resource: [`index/${props.name}/*`],
                Permission: ['aoss:CreateIndex', 'aoss:DescribeIndex', 'aoss:UpdateIndex', 'aoss:ReadDocument', 'aoss:WriteDocument'],
              },
            ],
            Principal: [...this.clientRoles.values()].map((r) => r.roleArn),
          },
        ]),
      });
    }
  }
}
