import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BlueprintError } from '../../model/errors';
import { LAYERS } from '../../environments/layers';
import type { Finding } from '../../policies/engine/rule';
import type { EnvironmentGpuSummary } from '../synthesize';

export type TfResource = Record<string, unknown>;

export interface StackOutput {
  readonly id: string;
  readonly environment: string;
  readonly layer: string;
  /** Resources (and data sources as `data.<type>.<name>`) by Terraform address, metadata removed. */
  readonly resources: ReadonlyMap<string, TfResource>;
}

/** One synthesized output directory (`cdktf.out`), as the review reads it. */
export interface SynthOutput {
  readonly dir: string;
  readonly stacks: ReadonlyMap<string, StackOutput>;
  /** Policy findings, or undefined when the output predates the policy pack. */
  readonly findings?: readonly Finding[];
  /** GPU capacity and cost, or undefined when the output predates it. */
  readonly gpu?: readonly EnvironmentGpuSummary[];
}

/** Reads a synth output directory (manifest, stacks, policy report, GPU summary). */
export function loadSynthOutput(dir: string): SynthOutput {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new BlueprintError(`'${dir}' is not a synth output: no manifest.json (run npm run synth first)`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const stacks = new Map<string, StackOutput>();
  for (const [id, entry] of Object.entries(manifest.stacks)) {
    const json = JSON.parse(readFileSync(path.join(dir, entry.synthesizedStackPath), 'utf8')) as Record<
      string,
      Record<string, Record<string, TfResource>>
    >;
    const resources = new Map<string, TfResource>();
    for (const mode of ['resource', 'data'] as const) {
      for (const [type, instances] of Object.entries(json[mode] ?? {})) {
        for (const [name, body] of Object.entries(instances)) {
          const { '//': _meta, ...config } = body;
          resources.set(mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`, config);
        }
      }
    }
    const { environment, layer } = splitStackId(id);
    stacks.set(id, { id, environment, layer, resources });
  }
  const policyFile = path.join(dir, 'policy', 'report.json');
  const gpuFile = path.join(dir, 'gpu', 'summary.json');
  return {
    dir,
    stacks,
    findings: existsSync(policyFile) ? (JSON.parse(readFileSync(policyFile, 'utf8')) as { findings: Finding[] }).findings : undefined,
    gpu: existsSync(gpuFile) ? (JSON.parse(readFileSync(gpuFile, 'utf8')) as EnvironmentGpuSummary[]) : undefined,
  };
}

/** `<env>-<layer>`; environment names may contain hyphens, layers do not. */
export function splitStackId(id: string): { environment: string; layer: string } {
  const layer = [...LAYERS].find((l) => id.endsWith(`-${l}`));
  if (layer) return { environment: id.slice(0, -layer.length - 1), layer };
  const i = id.lastIndexOf('-');
  return i > 0 ? { environment: id.slice(0, i), layer: id.slice(i + 1) } : { environment: id, layer: '' };
}
