import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CHARTS, type ChartPin } from '../../model/pins';
import { helmMerge, releaseValues, valueAt } from '../../policies/rules/kubernetes/chart-security';
import { type JsonObject, StackView } from '../../policies/engine/stack-view';
import { synthesize } from '../../tools/synthesize';
import { HAS_UPSTREAM, publishedVersions, upstreamFile } from './upstream-facts';

const PINS = Object.entries(CHARTS as Record<string, ChartPin>);
const valuesOf = (pin: ChartPin) => upstreamFile('charts', `${pin.chart}-${pin.version}`, 'values.yaml');
const schemaOf = (pin: ChartPin) => upstreamFile('charts', `${pin.chart}-${pin.version}`, 'values.schema.json');

/**
 * Keys whose maps a chart passes to the rendered object as given (Kubernetes fields, by Helm
 * chart convention `toYaml`'d): what lies below them is the object's schema, not the chart's.
 */
const FREE_FORM = new Set([
  'ports',
  'resources',
  'nodeSelector',
  'tolerations',
  'affinity',
  'securityContext',
  'podSecurityContext',
  'containerSecurityContext',
  'env',
  'labels',
  'annotations',
  'podLabels',
  'podAnnotations',
  'topologySpreadConstraints',
  'config',
  'extraEnvs',
]);

/**
 * Values a chart's templates (or a subchart's values) read that its own values.yaml does not
 * list, each with where that was checked.
 */
const READ_ELSEWHERE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'gpu-operator': {
    'operator.nodeSelector': 'NVIDIA/gpu-operator deployments/gpu-operator/templates/operator.yaml: `with .Values.operator.nodeSelector`',
    'node-feature-discovery.master.nodeSelector':
      'the node-feature-discovery subchart: kubernetes-sigs/node-feature-discovery deployment/helm/node-feature-discovery/values.yaml `master.nodeSelector`',
  },
};

/** A key values.yaml documents only as a comment (`# storageClassName: local-path`). */
const commented = (text: string, key: string) => new RegExp(`^\\s*#\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm').test(text);

/** Key paths of `ours` that values.yaml does not have (stopping at free-form keys and lists). */
function unknownPaths(ours: unknown, theirs: unknown, at = ''): string[] {
  if (!ours || typeof ours !== 'object' || Array.isArray(ours)) return [];
  return Object.entries(ours as Record<string, unknown>).flatMap(([k, v]) => {
    const p = at ? `${at}.${k}` : k;
    const t = theirs && typeof theirs === 'object' ? (theirs as Record<string, unknown>)[k] : undefined;
    if (t === undefined && !(theirs && typeof theirs === 'object' && k in (theirs as object))) return [p];
    if (FREE_FORM.has(k)) return [];
    return t && typeof t === 'object' && !Array.isArray(t) ? unknownPaths(v, t, p) : [];
  });
}

/** Pins whose chart files ../shared/upstream does not hold: their values are not checked here. */
const WITHOUT_FILES = HAS_UPSTREAM ? PINS.filter(([, pin]) => !valuesOf(pin)).map(([, pin]) => `${pin.chart} ${pin.version}`) : [];
if (WITHOUT_FILES.length > 0) {
  console.warn(
    `SKIPPED: no values.yaml in ../shared/upstream for ${WITHOUT_FILES.join(', ')}: their release values are checked only by the pins workflow (helm template) and by hand (model/pins.ts names the source)`,
  );
}

describe.skipIf(!HAS_UPSTREAM)('pinned charts against their upstream releases', () => {
  it.each(PINS.filter(([, pin]) => publishedVersions(pin.repository, pin.chart)))(
    '%s: the version is published in its repository, with the appVersion the registry records',
    (_k, pin) => {
      const published = publishedVersions(pin.repository, pin.chart)!;
      expect(published.map((v) => v.version)).toContain(pin.version);
      expect(published.find((v) => v.version === pin.version)?.appVersion).toBe(pin.appVersion);
    },
  );

  it('fails on the version the collector chart used to pin (0.158.3 was never published)', () => {
    const published = publishedVersions(CHARTS.openTelemetryCollector.repository, CHARTS.openTelemetryCollector.chart)!;
    expect(published.map((v) => v.version)).not.toContain('0.158.3');
  });

  it.each(PINS.filter(([, pin]) => valuesOf(pin)))('%s: the chart files here are that version', (_k, pin) => {
    const chart = parseYaml(upstreamFile('charts', `${pin.chart}-${pin.version}`, 'Chart.yaml')!) as {
      version: string;
      appVersion: string;
    };
    // Two charts are taken from their source tag, whose Chart.yaml carries a development version.
    if (chart.version === pin.version) expect(String(chart.appVersion)).toBe(pin.appVersion);
    else expect(pin.source).toMatch(/carries Chart\.yaml version/);
  });

  it.each(PINS.filter(([, pin]) => pin.securityContexts && valuesOf(pin)))(
    '%s: every security context path the registry names is a map in the chart’s values.yaml',
    (_k, pin) => {
      const values = parseYaml(valuesOf(pin)!) as JsonObject;
      for (const p of [...pin.securityContexts!.pod, ...pin.securityContexts!.container]) {
        expect(valueAt(values, p), `${pin.chart} ${p}`).toBeTypeOf('object');
      }
    },
  );
});

describe.skipIf(!HAS_UPSTREAM)('every Helm release of the reference environments', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'gpb-charts-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const { stacks } = synthesize({ outdir: work });
  const releases = stacks.flatMap((s) => {
    const view = new StackView(s.id, JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as JsonObject);
    return view.resourcesOf('helm_release').map((r) => ({ stack: s.id, release: r }));
  });
  const pinOf = (r: (typeof releases)[number]) =>
    PINS.map(([, p]) => p).find((p) => p.chart === r.release.config.chart && p.repository === r.release.config.repository);
  const cases = releases.map((r) => [`${r.stack} ${String(r.release.config.chart)}`, r] as const);

  it('comes from the pins registry, at the pinned version', () => {
    expect(releases.length).toBeGreaterThan(10);
    for (const r of releases) expect(pinOf(r)?.version, `${r.stack} ${String(r.release.config.chart)}`).toBe(r.release.config.version);
  });

  it.each(cases)('%s: sets only values the chart has (values.yaml at the pinned version)', (_name, r) => {
    const pin = pinOf(r)!;
    const theirs = valuesOf(pin);
    if (!theirs) return;
    const elsewhere = READ_ELSEWHERE[pin.chart] ?? {};
    const unknown = unknownPaths(releaseValues(r.release), parseYaml(theirs)).filter(
      (p) => !commented(theirs, p.split('.').pop()!) && !(p in elsewhere),
    );
    expect(unknown).toEqual([]);
  });

  it('finds a key the chart does not have, and a value its schema refuses (the checks can fail)', () => {
    const pin = CHARTS.openTelemetryCollector;
    expect(unknownPaths({ mode: 'deployment', serviceAccount: { nmae: 'x' } }, parseYaml(valuesOf(pin)!))).toEqual(['serviceAccount.nmae']);
    const ajv = new Ajv({ strict: false, allErrors: true });
    const schema = JSON.parse(schemaOf(pin)!) as Record<string, unknown>;
    delete schema.$schema;
    expect(ajv.compile(schema)(helmMerge(parseYaml(valuesOf(pin)!) as JsonObject, { mode: 'sidecar' }))).toBe(false);
  });

  it.each(cases.filter(([, r]) => schemaOf(pinOf(r)!)))('%s: validates against the chart’s values.schema.json', (_name, r) => {
    const pin = pinOf(r)!;
    const schema = JSON.parse(schemaOf(pin)!) as Record<string, unknown>;
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    // Helm validates the chart's defaults with the release's values merged over them.
    const ok = validate(helmMerge(parseYaml(valuesOf(pin)!) as JsonObject, releaseValues(r.release)));
    expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });
});
