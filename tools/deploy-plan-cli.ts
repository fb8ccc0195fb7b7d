/**
 * `npm run --silent deploy-plan`: prints the deploy workflow's matrix as JSON
 * (`{"include":[{"environment":...,"runsOn":...}]}`), from GPB_DEPLOY_ORDER (JSON list,
 * default ["dev","staging","prod"]), GPB_PRIVATE_RUNNERS (JSON map of environment to CodeBuild
 * project) and GitHub's GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT.
 */
import { BlueprintError } from '../model/errors';
import { ENVIRONMENTS } from '../environments';
import { validateEnvironments } from '../environments/validate';
import { deployJobs } from './deploy-order';
import { runCli } from './synthesize';

function json<T>(name: string, fallback: T, check: (v: unknown) => boolean, shape: string): T {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BlueprintError(`${name}: '${text}' is not JSON; it must be ${shape}`);
  }
  if (!check(value)) throw new BlueprintError(`${name}: '${text}' is not allowed; it must be ${shape}`);
  return value as T;
}

runCli(() => {
  const order = json<string[]>(
    'GPB_DEPLOY_ORDER',
    ['dev', 'staging', 'prod'],
    (v) => Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string'),
    'a JSON list of environment names, e.g. ["dev","prod"]',
  );
  const runners = json<Record<string, string>>(
    'GPB_PRIVATE_RUNNERS',
    {},
    (v) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((p) => typeof p === 'string'),
    'a JSON map of environment to CodeBuild project, e.g. {"prod":"gpb-prod-deploy"}',
  );
  const selected = Object.fromEntries(order.filter((e) => e in ENVIRONMENTS).map((e) => [e, ENVIRONMENTS[e]]));
  const configs = validateEnvironments(selected);
  const publicEndpoint = Object.fromEntries(
    Object.keys(ENVIRONMENTS).map((e) => [e, configs.find((c) => c.name === e)?.cluster.endpoint.publicAccess ?? true]),
  );
  const include = deployJobs(order, publicEndpoint, runners, {
    id: process.env.GITHUB_RUN_ID ?? 'local',
    attempt: process.env.GITHUB_RUN_ATTEMPT ?? '1',
  });
  process.stdout.write(`${JSON.stringify({ include })}\n`);
});
