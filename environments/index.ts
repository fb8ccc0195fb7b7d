import dev from './dev';
import type { EnvironmentInput } from './schema';
import prod from './prod';
import staging from './staging';

/**
 * Every environment `npm run synth` and `npx cdktf synth` build, keyed by name.
 * A fork adds its own files here (see docs/environments.md).
 */
export const ENVIRONMENTS: Readonly<Record<string, EnvironmentInput>> = {
  dev,
  staging,
  prod,
};
