import type { EnvironmentInput } from './schema';
// gpb:new-env imports (npm run new-env adds lines above this one)

/**
 * This fork's own environments. `npm run new-env` registers new ones here; upstream ships this
 * file once and never edits it again, so pulling upstream changes cannot conflict with it.
 */
export const LOCAL_ENVIRONMENTS: Readonly<Record<string, EnvironmentInput>> = {
  // gpb:new-env registrations (npm run new-env adds lines above this one)
};

/** Set to false in a fork that synthesizes and deploys only its own environments. */
export const INCLUDE_REFERENCE_ENVIRONMENTS = true;
