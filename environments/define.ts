import type { EnvironmentInput } from './schema';

/**
 * Declares an environment. Only types the literal: validation (with messages naming the
 * environment and field) happens once for all environments, before any stack is built.
 */
export function defineEnvironment(input: EnvironmentInput): EnvironmentInput {
  return input;
}
