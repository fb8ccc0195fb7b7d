/**
 * What the pins workflow checks on a runner with network access (docs/pins.md): every chart
 * version exists in its repository with the recorded appVersion, every image tag resolves (its
 * digest is printed), every chart renders with the values the blueprint synthesizes and the
 * pods it renders into restricted namespaces pass that level, and, with AWS credentials, every
 * pinned EKS add-on version exists for its Kubernetes version.
 *
 * The network and the commands come in through {@link PinsIo}, so the logic is tested offline.
 */
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ADDON_VERSIONS } from '../../model/addon-catalog';
import { CHARTS, type ChartPin, IMAGES, type ImagePin, imageRef } from '../../model/pins';
import { podSpecOf, restrictedViolations } from './restricted';

export interface PinsIo {
  /** GET a URL, the body as text (throws on a non-2xx answer). */
  fetchText(url: string): Promise<string>;
  /** Runs a command, returns stdout (throws with stderr on a non-zero exit). */
  run(command: string, args: readonly string[]): string;
}

export interface PinResult {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A chart version exists in its repository (index.yaml, or the OCI registry) with the recorded appVersion. */
export async function checkChart(pin: ChartPin, io: PinsIo): Promise<PinResult> {
  const what = `chart ${pin.chart} ${pin.version} (${pin.repository})`;
  try {
    let appVersion: string | undefined;
    if (pin.repository.startsWith('oci://')) {
      const chart = parseYaml(io.run('helm', ['show', 'chart', `${pin.repository}/${pin.chart}`, '--version', pin.version])) as {
        appVersion?: string;
      };
      appVersion = chart.appVersion === undefined ? undefined : String(chart.appVersion);
    } else {
      const index = parseYaml(await io.fetchText(`${pin.repository.replace(/\/$/, '')}/index.yaml`)) as {
        entries?: Record<string, { version: string; appVersion?: string }[]>;
      };
      const entry = index.entries?.[pin.chart]?.find((e) => String(e.version) === pin.version);
      if (!entry) return { what, ok: false, detail: 'not in the repository index' };
      appVersion = entry.appVersion === undefined ? undefined : String(entry.appVersion);
    }
    if (appVersion !== pin.appVersion)
      return { what, ok: false, detail: `appVersion is ${String(appVersion)}, the registry says ${pin.appVersion}` };
    return { what, ok: true, detail: `appVersion ${appVersion}` };
  } catch (e) {
    return { what, ok: false, detail: (e as Error).message.split('\n')[0] };
  }
}

/** An image tag resolves; the detail is its digest (to pin by digest). */
export function checkImage(pin: ImagePin, io: PinsIo): PinResult {
  const ref = imageRef(pin);
  try {
    const out = io.run('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}']);
    const digest = (JSON.parse(out) as { digest?: string }).digest;
    return digest
      ? { what: `image ${ref}`, ok: true, detail: `${ref}@${digest}` }
      : { what: `image ${ref}`, ok: false, detail: 'no digest in the answer' };
  } catch (e) {
    return { what: `image ${ref}`, ok: false, detail: (e as Error).message.split('\n')[0] };
  }
}

/** Each pinned add-on version is offered for its Kubernetes version (needs AWS credentials). */
export function checkAddons(io: PinsIo): PinResult[] {
  return Object.entries(ADDON_VERSIONS).flatMap(([k8s, addons]) =>
    Object.entries(addons).map(([name, version]) => {
      const what = `add-on ${name} ${version} (Kubernetes ${k8s})`;
      try {
        const out = io.run('aws', [
          'eks',
          'describe-addon-versions',
          '--addon-name',
          name,
          '--kubernetes-version',
          k8s,
          '--query',
          'addons[].addonVersions[].addonVersion',
          '--output',
          'json',
        ]);
        const offered = (JSON.parse(out) as string[][]).flat();
        return offered.includes(version)
          ? { what, ok: true, detail: 'offered' }
          : { what, ok: false, detail: `not offered; newest: ${offered[0] ?? 'none'}` };
      } catch (e) {
        return { what, ok: false, detail: (e as Error).message.split('\n')[0] };
      }
    }),
  );
}

/** A Helm release as synthesized: where it goes and the values it is given. */
export interface SynthesizedRelease {
  readonly stack: string;
  readonly name: string;
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly namespace: string;
  /** Value documents (JSON or YAML), in order. */
  readonly values: readonly string[];
  /** Does the namespace enforce the restricted Pod Security level? */
  readonly restricted: boolean;
}

/**
 * Renders a release with `helm template` (values written to `valueFiles` by the caller) and,
 * for a restricted namespace, checks every pod it renders.
 */
export function checkRender(release: SynthesizedRelease, valueFiles: readonly string[], io: PinsIo): PinResult {
  const what = `render ${release.stack} ${release.chart} into ${release.namespace}`;
  const chartArgs = release.repository.startsWith('oci://')
    ? [`${release.repository}/${release.chart}`]
    : [release.chart, '--repo', release.repository];
  try {
    const out = io.run('helm', [
      'template',
      release.name,
      ...chartArgs,
      '--version',
      release.version,
      '--namespace',
      release.namespace,
      ...valueFiles.flatMap((f) => ['--values', f]),
    ]);
    if (!release.restricted) return { what, ok: true, detail: 'rendered' };
    const problems = parseAllDocuments(out)
      .map((d) => d.toJS() as Record<string, unknown> | null)
      .flatMap((o) => {
        const pod = o ? podSpecOf(o) : undefined;
        const name = `${String(o?.kind)} ${String((o?.metadata as { name?: string } | undefined)?.name)}`;
        return pod ? restrictedViolations(pod).map((v) => `${name}: ${v}`) : [];
      });
    return problems.length === 0
      ? { what, ok: true, detail: 'every pod passes restricted' }
      : { what, ok: false, detail: problems.join('; ') };
  } catch (e) {
    return { what, ok: false, detail: (e as Error).message.split('\n')[0] };
  }
}

export const ALL_CHART_PINS: readonly ChartPin[] = Object.values(CHARTS as Record<string, ChartPin>);
export const ALL_IMAGE_PINS: readonly ImagePin[] = Object.values(IMAGES as Record<string, ImagePin>);

/** `pins: N passed, N failed`, the line the workflow's log ends with. */
export function summaryLine(results: readonly PinResult[]): string {
  return `pins: ${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length} failed`;
}
