import dev from './dev';
import { INCLUDE_REFERENCE_ENVIRONMENTS, LOCAL_ENVIRONMENTS } from './local';
import prod from './prod';
import type { EnvironmentInput } from './schema';
import staging from './staging';

/** The blueprint's reference environments (upstream-owned). */
export const REFERENCE_ENVIRONMENTS: Readonly<Record<string, EnvironmentInput>> = { dev, staging, prod };

/** Local environments whose names clash with a reference environment (synthesis refuses them). */
export const REGISTRY_CLASHES: readonly string[] = INCLUDE_REFERENCE_ENVIRONMENTS
  ? Object.keys(LOCAL_ENVIRONMENTS).filter((n) => n in REFERENCE_ENVIRONMENTS)
  : [];

/**
 * Every environment `npm run synth` and `npx cdktf synth` build, keyed by name: the reference
 * environments (unless environments/local.ts turns them off) and this fork's own
 * (docs/forking.md).
 */
export const ENVIRONMENTS: Readonly<Record<string, EnvironmentInput>> = {
  ...(INCLUDE_REFERENCE_ENVIRONMENTS ? REFERENCE_ENVIRONMENTS : {}),
  ...LOCAL_ENVIRONMENTS,
};
