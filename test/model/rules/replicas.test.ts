import { describe, expect, it } from 'vitest';
import { ModelAutoscaling } from '../../../constructs/serving/keda';
import { checkEnvironment } from '../../../environments/validate';
import { replicaRangeProblems } from '../../../model/rules/replicas';
import { BARE_GATEWAY, devWith, synthWith } from '../../helpers';

describe('the replica range of a model, written once', () => {
  it('needs maxReplicas >= minReplicas and at least 1', () => {
    expect(replicaRangeProblems({ minReplicas: 3, maxReplicas: 2 })).toEqual([
      { field: ['maxReplicas'], value: 2, message: 'must be a whole number >= minReplicas (3) and at least 1' },
    ]);
    expect(replicaRangeProblems({ minReplicas: 0, maxReplicas: 0 })).toHaveLength(1);
    expect(replicaRangeProblems({ minReplicas: 0, maxReplicas: 1 })).toEqual([]);
  });

  it('gives the same message in an environment file and from ModelAutoscaling', () => {
    const [problem] = replicaRangeProblems({ minReplicas: 3, maxReplicas: 2 });
    const env = devWith({
      serving: {
        ...BARE_GATEWAY,
        models: [{ name: 'm', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', minReplicas: 3, maxReplicas: 2 }],
      },
    });
    expect(checkEnvironment(env, 'dev')).toContainEqual(
      expect.objectContaining({ path: 'serving.models[0].maxReplicas', value: 2, allowed: problem.message }),
    );
    const props = {
      target: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'm' }, namespace: 'n' },
      minReplicas: 3,
      maxReplicas: 2,
      query: 'q',
      targetPerReplica: 1,
      prometheusUrl: 'https://p',
      region: 'us-west-2',
      authenticationName: 'a',
    };
    expect(() => synthWith((scope) => new ModelAutoscaling(scope, 'Scaler', props))).toThrow(
      `ModelAutoscaling 'Scaler': 'maxReplicas' 2 ${problem.message}`,
    );
  });
});
