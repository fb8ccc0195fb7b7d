import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { Construct } from 'constructs';
import { TerraformStack } from './cdktf';

/**
 * Account id and partition of the stack's AWS provider, read at plan time (never at synth).
 * One pair of data sources per stack, however many constructs ask.
 */
export class AwsContext extends Construct {
  static of(scope: Construct): AwsContext {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(AwsContext.ID);
    return existing instanceof AwsContext ? existing : new AwsContext(stack, AwsContext.ID);
  }

  private static readonly ID = 'AwsContext';

  readonly accountId: string;
  readonly partition: string;
  /** DNS suffix of the partition (`amazonaws.com` in the commercial partition). */
  readonly dnsSuffix: string;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const identity = new DataAwsCallerIdentity(this, 'CallerIdentity');
    const partition = new DataAwsPartition(this, 'Partition');
    this.accountId = identity.accountId;
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
  }

  /** `arn:<partition>:iam::<account>:root`, the principal that stands for the whole account. */
  get accountRootArn(): string {
    return `arn:${this.partition}:iam::${this.accountId}:root`;
  }
}
