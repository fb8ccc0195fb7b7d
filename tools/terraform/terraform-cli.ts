import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The provider every AWS stack pins; the mirror must hold exactly this version. */
export const AWS_PROVIDER_VERSION = '5.100.0';

export interface TerraformResult {
  readonly ok: boolean;
  readonly exitCode: number;
  readonly output: string;
  readonly seconds: number;
}

/** Runs Terraform offline: providers from the filesystem mirror only, no prompts, no colour. */
export class TerraformCli {
  readonly cliConfigFile: string;

  constructor(
    readonly binary: string,
    readonly mirrorDir: string,
    workDir: string,
  ) {
    const cache = path.join(workDir, 'plugin-cache');
    mkdirSync(cache, { recursive: true });
    this.cliConfigFile = path.join(workDir, 'terraform.tfrc');
    writeFileSync(this.cliConfigFile, cliConfig(mirrorDir, cache));
  }

  /**
   * Runs one Terraform command. It is stopped after `timeoutSeconds` (GPB_TERRAFORM_TIMEOUT,
   * default 600): a stand-in that never answers (an API moto lacks, retried by the provider)
   * must fail the check, not hang the suite.
   */
  run(
    cwd: string,
    args: readonly string[],
    input?: string,
    timeoutSeconds = Number(process.env.GPB_TERRAFORM_TIMEOUT ?? 600),
  ): TerraformResult {
    const started = Date.now();
    const result = spawnSync(this.binary, [...args], {
      cwd,
      input,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: timeoutSeconds * 1000,
      killSignal: 'SIGKILL',
      env: {
        ...process.env,
        TF_CLI_CONFIG_FILE: this.cliConfigFile,
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
        CHECKPOINT_DISABLE: '1',
        // Nothing of the caller's AWS identity may leak into a rehearsal.
        AWS_PROFILE: '',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_SESSION_TOKEN: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    const exitCode = result.status ?? 1;
    const timedOut = result.signal === 'SIGKILL' && Date.now() - started >= timeoutSeconds * 1000;
    return {
      ok: exitCode === 0,
      exitCode,
      output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}${timedOut ? `\nstopped after ${timeoutSeconds} s: terraform ${args[0]} did not finish` : ''}`,
      seconds: (Date.now() - started) / 1000,
    };
  }
}

/**
 * A Terraform CLI configuration that installs providers from the filesystem mirror and never
 * from a registry, sharing one plugin cache across stacks (symlinks instead of copies).
 */
export function cliConfig(mirrorDir: string, pluginCacheDir: string): string {
  return [
    '# Written by tools/terraform-tier.ts: offline provider installation.',
    `plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`,
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/*/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** What is missing for the tier to run, or an empty list. */
export function missingPrerequisites(binary: string, mirrorDir: string): string[] {
  const missing: string[] = [];
  const version = spawnSync(binary, ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) missing.push(`terraform binary ('${binary}' did not run)`);
  const provider = path.join(mirrorDir, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION);
  if (!existsSync(provider)) missing.push(`hashicorp/aws ${AWS_PROVIDER_VERSION} in the provider mirror (${provider})`);
  return missing;
}
