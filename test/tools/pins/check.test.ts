import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CHARTS, IMAGES } from '../../../model/pins';
import { checkChart, checkImage, checkRender, type PinsIo, summaryLine } from '../../../tools/pins/check';

/** A stand-in for the network and the commands: answers from tables, records the calls. */
function fakeIo(pages: Record<string, string>, commands: Record<string, string>): PinsIo & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async fetchText(url) {
      calls.push(`GET ${url}`);
      if (!(url in pages)) throw new Error(`GET ${url}: 404`);
      return pages[url];
    },
    run(command, args) {
      const line = [command, ...args].join(' ');
      calls.push(line);
      const key = Object.keys(commands).find((k) => line.startsWith(k));
      if (key === undefined) throw new Error(`${command}: failed`);
      return commands[key];
    },
  };
}

const otelIndex = (versions: { version: string; appVersion: string }[]) =>
  stringify({ apiVersion: 'v1', entries: { 'opentelemetry-collector': versions } });

describe('pins check', () => {
  const otel = CHARTS.openTelemetryCollector;
  const indexUrl = `${otel.repository}/index.yaml`;

  it('passes a chart its repository index lists with the recorded appVersion', async () => {
    const io = fakeIo({ [indexUrl]: otelIndex([{ version: '0.158.2', appVersion: '0.153.0' }]) }, {});
    expect(await checkChart(otel, io)).toMatchObject({ ok: true, detail: 'appVersion 0.153.0' });
  });

  it('fails on a version the index does not list (0.158.3 was never published)', async () => {
    const io = fakeIo(
      {
        [indexUrl]: otelIndex([
          { version: '0.158.2', appVersion: '0.153.0' },
          { version: '0.159.0', appVersion: '0.153.0' },
        ]),
      },
      {},
    );
    expect(await checkChart({ ...otel, version: '0.158.3' }, io)).toMatchObject({ ok: false, detail: 'not in the repository index' });
  });

  it('reads an OCI chart with helm show chart, and fails on another appVersion', async () => {
    const v = CHARTS.karpenter.version;
    const io = fakeIo(
      {},
      {
        [`helm show chart oci://public.ecr.aws/karpenter/karpenter --version ${v}`]: `name: karpenter\nversion: ${v}\nappVersion: 1.8.0\n`,
      },
    );
    expect(await checkChart(CHARTS.karpenter, io)).toMatchObject({ ok: false, detail: `appVersion is 1.8.0, the registry says ${v}` });
  });

  it('prints the digest an image tag resolves to, and fails on a tag that does not resolve', () => {
    const io = fakeIo({}, { 'docker buildx imagetools inspect qdrant/qdrant:v1.15.4': JSON.stringify({ digest: 'sha256:abc' }) });
    expect(checkImage(IMAGES.qdrant, io)).toEqual({
      what: 'image qdrant/qdrant:v1.15.4',
      ok: true,
      detail: 'qdrant/qdrant:v1.15.4@sha256:abc',
    });
    expect(checkImage(IMAGES.vllm, io).ok).toBe(false);
  });

  it('renders a release with its values and fails when a pod in a restricted namespace would be rejected', () => {
    const pod = (initContainers: unknown[]) =>
      stringify({
        kind: 'StatefulSet',
        metadata: { name: 'qdrant' },
        spec: {
          template: {
            spec: {
              securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
              initContainers,
              containers: [{ name: 'qdrant', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
            },
          },
        },
      });
    const release = {
      stack: 'dev-serving',
      name: 'qdrant',
      repository: CHARTS.qdrant.repository,
      chart: 'qdrant',
      version: '1.15.4',
      namespace: 'gpb-vector',
      values: ['{}'],
      restricted: true,
    };
    const bad = fakeIo({}, { 'helm template qdrant qdrant': `---\n${pod([{ name: 'ensure-dir-ownership' }])}` });
    const result = checkRender(release, ['/tmp/v.yaml'], bad);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain("StatefulSet qdrant: init container 'ensure-dir-ownership': allowPrivilegeEscalation is not false");
    expect(bad.calls).toEqual([
      'helm template qdrant qdrant --repo https://qdrant.github.io/qdrant-helm --version 1.15.4 --namespace gpb-vector --values /tmp/v.yaml',
    ]);
    expect(checkRender(release, [], fakeIo({}, { 'helm template': pod([]) })).ok).toBe(true);
  });

  it('ends with the plain passed/failed line', () => {
    expect(
      summaryLine([
        { what: 'a', ok: true, detail: '' },
        { what: 'b', ok: false, detail: '' },
      ]),
    ).toBe('pins: 1 passed, 1 failed');
  });
});

describe('Renovate configuration', () => {
  const config = JSON.parse(readFileSync('renovate.json', 'utf8')) as {
    customManagers: { matchStrings: string[]; datasourceTemplate: string; managerFilePatterns: string[] }[];
  };
  const pins = readFileSync('model/pins.ts', 'utf8');
  const found = (datasource: string) =>
    config.customManagers
      .filter((m) => m.datasourceTemplate === datasource && m.managerFilePatterns.includes('/^model/pins\\.ts$/'))
      .flatMap((m) => m.matchStrings.flatMap((s) => [...pins.matchAll(new RegExp(s, 'g'))].map((x) => x.groups!)));

  it('proposes bumps for every chart of the registry (HTTP repositories and OCI registries)', () => {
    const charts = [
      ...found('helm').map((g) => `${g.depName}@${g.currentValue}`),
      ...found('docker')
        .filter((g) => g.chart)
        .map((g) => `${g.chart}@${g.currentValue}`),
    ];
    expect(charts.sort()).toEqual(
      Object.values(CHARTS)
        .map((c) => `${c.chart}@${c.version}`)
        .sort(),
    );
  });

  it('proposes bumps for every image of the registry', () => {
    const images = found('docker')
      .filter((g) => g.depName)
      .map((g) => `${g.depName}:${g.currentValue}`);
    expect(images.sort()).toEqual(
      Object.values(IMAGES)
        .map((i) => `${i.repository}:${i.tag}`)
        .sort(),
    );
  });
});
