import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BlueprintError } from '../model/errors';
import { LAYERS } from '../environments/layers';

/** What the deploy order needs from a synth output's manifest.json. */
export interface ManifestStacks {
  readonly stacks: Readonly<Record<string, { readonly dependencies?: readonly string[] }>>;
}

/**
 * The stacks of `environment` in an order that deploys each after every stack it depends on
 * (the dependencies cdktf recorded in manifest.json), ties broken by the layer order. `cdktf
 * diff` takes one stack, so the deploy workflow and docs/deploy.md walk this list.
 */
export function deployOrder(manifest: ManifestStacks, environment: string): string[] {
  const ids = LAYERS.map((layer) => `${environment}-${layer}`).filter((id) => id in manifest.stacks);
  if (ids.length === 0) {
    throw new BlueprintError(
      `No stacks of environment '${environment}' in the synth output (it has ${
        Object.keys(manifest.stacks)
          .map((s) => `'${s}'`)
          .join(', ') || 'none'
      }): run npm run synth -- --env ${environment} first`,
    );
  }
  const done: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (done.includes(id)) return;
    if (visiting.has(id)) throw new BlueprintError(`Stack dependencies form a cycle through '${id}'`);
    visiting.add(id);
    for (const dep of manifest.stacks[id]?.dependencies ?? []) {
      if (!(dep in manifest.stacks)) throw new BlueprintError(`Stack '${id}' depends on '${dep}', which is not in the synth output`);
      visit(dep);
    }
    visiting.delete(id);
    done.push(id);
  };
  ids.forEach(visit);
  return done;
}

/** Reads `<outdir>/manifest.json`. */
export function readManifest(outdir: string): ManifestStacks {
  const file = path.join(outdir, 'manifest.json');
  if (!existsSync(file)) throw new BlueprintError(`'${outdir}' has no manifest.json: run npm run synth -- --env <environment> first`);
  return JSON.parse(readFileSync(file, 'utf8')) as ManifestStacks;
}

/** One deploy job: the environment and the runner label it runs on. */
export interface DeployJob {
  readonly environment: string;
  readonly runsOn: string;
}

/**
 * The deploy workflow's matrix: the environments in `order`, each on a GitHub-hosted runner,
 * or, when its cluster endpoint is private (a GitHub-hosted runner cannot reach it), on the
 * CodeBuild-hosted runner named for it in `privateRunners` (label format of the CodeBuild user
 * guide: `codebuild-<project>-<run id>-<run attempt>`). A private environment without one is
 * refused before anything deploys.
 */
export function deployJobs(
  order: readonly string[],
  publicEndpoint: Readonly<Record<string, boolean>>,
  privateRunners: Readonly<Record<string, string>>,
  run: { readonly id: string; readonly attempt: string },
): DeployJob[] {
  const unknown = order.filter((e) => !(e in publicEndpoint));
  if (unknown.length > 0) {
    throw new BlueprintError(
      `GPB_DEPLOY_ORDER names ${unknown.map((e) => `'${e}'`).join(', ')}, not registered; registered: ${Object.keys(publicEndpoint)
        .map((e) => `'${e}'`)
        .join(', ')}`,
    );
  }
  return order.map((environment) => {
    const project = privateRunners[environment];
    if (project !== undefined) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/.test(project))
        throw new BlueprintError(`GPB_PRIVATE_RUNNERS: '${project}' (for '${environment}') is not a CodeBuild project name`);
      return { environment, runsOn: `codebuild-${project}-${run.id}-${run.attempt}` };
    }
    if (!publicEndpoint[environment]) {
      throw new BlueprintError(
        `environment '${environment}' has a private cluster endpoint, which a GitHub-hosted runner cannot reach: set the repository variable GPB_PRIVATE_RUNNERS to {"${environment}": "<CodeBuild project>"} (docs/deploy.md, "Deploying a private cluster")`,
      );
    }
    return { environment, runsOn: 'ubuntu-24.04' };
  });
}
