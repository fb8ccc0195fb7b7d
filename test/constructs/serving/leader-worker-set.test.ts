import { describe, expect, it } from 'vitest';
import { LeaderWorkerSetController, LWS_NAMESPACE, LWS_VERSION } from '../../../constructs/serving/leader-worker-set';
import { IMAGES } from '../../../model/pins';
import { onlyResource, synthWith } from '../../helpers';

describe('LeaderWorkerSetController', () => {
  const json = synthWith((scope) => new LeaderWorkerSetController(scope, 'Lws'));
  const release = onlyResource(json, 'helm_release') as { chart: string; version: string; namespace: string; values: string[] };
  const values = JSON.parse(release.values[0]) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('installs the pinned chart with the release’s controller image, not the chart’s default tag', () => {
    expect([release.chart, release.version, release.namespace]).toEqual(['lws', LWS_VERSION, LWS_NAMESPACE]);
    expect(values.image.manager).toEqual({
      repository: 'registry.k8s.io/lws/lws',
      tag: IMAGES.leaderWorkerSet.tag,
      pullPolicy: 'IfNotPresent',
    });
    expect(values.image.manager.tag).not.toBe('main');
  });

  it('sizes the controller instead of taking the chart’s whole core and 1 Gi without a limit', () => {
    expect(values.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(values.nodeSelector).toEqual({ 'gpb.io/pool': 'system' });
  });
});
