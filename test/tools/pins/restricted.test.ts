import { describe, expect, it } from 'vitest';
import { podSpecOf, restrictedViolations } from '../../../tools/pins/restricted';

const restrictedContainer = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const pod = (spec: Record<string, unknown>) => ({
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  ...spec,
});

describe('restrictedViolations', () => {
  it('passes a pod that meets the restricted level', () => {
    expect(
      restrictedViolations(
        pod({ containers: [{ name: 'app', securityContext: restrictedContainer }], volumes: [{ name: 'tmp', emptyDir: {} }] }),
      ),
    ).toEqual([]);
  });

  it('fails on the Qdrant 1.15.4 chart as the blueprint used to render it (init container without a securityContext)', () => {
    // the chart's ensure-dir-ownership init container (updateVolumeFsOwnership: true) and its
    // default container context without capabilities.drop or seccomp
    const old = {
      securityContext: { fsGroup: 3000, fsGroupChangePolicy: 'Always' },
      initContainers: [{ name: 'ensure-dir-ownership', command: ['chown', '-R', '1000:3000', '/qdrant/storage'] }],
      containers: [
        {
          name: 'qdrant',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
          },
        },
      ],
    };
    expect(restrictedViolations(old)).toEqual([
      "init container 'ensure-dir-ownership': allowPrivilegeEscalation is not false",
      "init container 'ensure-dir-ownership': capabilities.drop does not include ALL",
      "init container 'ensure-dir-ownership': runAsNonRoot is not true (container or pod)",
      "init container 'ensure-dir-ownership': seccompProfile is not RuntimeDefault or Localhost (container or pod)",
      "container 'qdrant': capabilities.drop does not include ALL",
      "container 'qdrant': seccompProfile is not RuntimeDefault or Localhost (container or pod)",
    ]);
  });

  it('fails on host namespaces, hostPath volumes, hostPorts, root, privilege and added capabilities', () => {
    const bad = pod({
      hostNetwork: true,
      volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }],
      containers: [
        {
          name: 'a',
          ports: [{ containerPort: 80, hostPort: 80 }],
          securityContext: { ...restrictedContainer, privileged: true, runAsUser: 0, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } },
        },
      ],
    });
    expect(restrictedViolations(bad)).toEqual([
      'pod sets hostNetwork',
      "volume 'logs' is hostPath",
      "container 'a' is privileged",
      "container 'a' adds capabilities NET_ADMIN",
      "container 'a' runs as uid 0",
      "container 'a' uses hostPort 80",
    ]);
  });

  it('finds the pod spec of each workload kind', () => {
    const spec = { containers: [] };
    expect(podSpecOf({ kind: 'Pod', spec })).toBe(spec);
    expect(podSpecOf({ kind: 'Deployment', spec: { template: { spec } } })).toBe(spec);
    expect(podSpecOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec } } } } })).toBe(spec);
    expect(podSpecOf({ kind: 'Service', spec: {} })).toBeUndefined();
  });
});
