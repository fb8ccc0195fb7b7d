import type { IConstruct } from 'constructs';
import { RULE_IDS } from '../index';
import { suppress } from './suppressions';

/** The construct-level API of the policy pack. */
export const Policy = {
  /**
   * Accepts the findings of `ruleId` on `scope` and everything below it, with a reason of at
   * least 10 characters. They are still reported (as suppressed) but do not fail synthesis.
   */
  suppress(scope: IConstruct, ruleId: string, reason: string): void {
    suppress(scope, ruleId, reason, RULE_IDS);
  },
};
