import { z } from 'zod';
import { parseCidr } from '../model/cidr';
import { AWS_LIMITS, regionProblem } from '../model/aws-names';

/** Field types several environment sections share (schema.ts imports the sections, so they live here). */

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const logRetentionDays = z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
  message: `must be one of the CloudWatch Logs retention values: ${LOG_RETENTION_DAYS.join(', ')}`,
});

export const cidr = z.string().refine((s) => parseCidr(s) !== undefined, {
  message: 'must be a canonical IPv4 CIDR such as 10.0.0.0/16 (no host bits set)',
});

/** A string field checked by a rule from model/ (one message per refusal, the rule's own words). */
export function ruled(rule: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const problem = rule(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
}

export const awsRegion = ruled(regionProblem);

/** The message of a node group's maxSize above the EKS quota. */
export const nodesQuotaMessage = `must be at most ${AWS_LIMITS.nodesPerManagedNodeGroup} (EKS quota "Nodes per managed node group", default ${AWS_LIMITS.nodesPerManagedNodeGroup}; with a raised quota, change AWS_LIMITS in model/aws-names.ts)`;
