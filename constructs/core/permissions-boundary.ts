import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IConstruct } from 'constructs';
import type { IAspect } from './cdktf';

/**
 * Sets a permissions boundary on every IAM role in the scope that has none, so no construct
 * (including ones added later) can create a role outside the organisation's ceiling.
 */
export class PermissionsBoundary implements IAspect {
  constructor(private readonly policyArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole && node.permissionsBoundaryInput === undefined) {
      node.permissionsBoundary = this.policyArn;
    }
  }
}
