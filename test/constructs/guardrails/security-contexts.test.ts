import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../../../constructs/guardrails/security-contexts';
import { admit } from './admit';

const ROOT = path.resolve(__dirname, '../../..');

/** Files that may still write security-context fields by hand, and why. */
const HAND_WRITTEN: Record<string, string> = {
  'constructs/guardrails/security-contexts.ts': 'the one place that writes them',
  'constructs/data/qdrant-vector-store.ts':
    "the Qdrant chart's own podSecurityContext/containerSecurityContext values (fsGroupChangePolicy, privileged)",
};

describe('security contexts, written in one place', () => {
  it('build a pod and container the restricted Pod Security level admits, differences explicit', () => {
    const pod = (writableRoot?: string) => ({
      spec: {
        securityContext: restrictedPodSecurity({ uid: 1000, gid: 1000 }, { fsGroup: 1000 }),
        containers: [
          {
            name: 'c',
            image: 'i@sha256:0',
            resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } },
            securityContext: restrictedContainerSecurity({ writableRoot }),
          },
        ],
      },
    });
    expect(admit(pod())).toEqual([]);
    expect(admit(pod('the program writes its cache under /app'))).toEqual([]);
    expect(restrictedContainerSecurity()).toMatchObject({ readOnlyRootFilesystem: true });
    expect(restrictedContainerSecurity({ writableRoot: 'why' })).not.toHaveProperty('readOnlyRootFilesystem');
    expect(restrictedPodSecurity({ uid: 65534, gid: 65534 })).not.toHaveProperty('fsGroup');
  });

  it('no other construct writes security-context fields by hand', () => {
    const files = execFileSync('git', ['ls-files', 'constructs/*.ts', 'constructs/**/*.ts'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(30);
    const handWritten = files.filter(
      (f) =>
        !(f in HAND_WRITTEN) &&
        /\b(allowPrivilegeEscalation|runAsNonRoot|readOnlyRootFilesystem):/.test(readFileSync(path.join(ROOT, f), 'utf8')),
    );
    expect(handWritten).toEqual([]);
  });
});
