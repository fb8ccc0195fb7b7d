import type { z } from 'zod';
import { BlueprintError, show } from '../model/errors';
import { type EnvironmentConfig, environmentSchema } from './schema';

/** One problem in one environment's configuration. */
export interface ConfigProblem {
  readonly environment: string;
  /** Dotted field path, e.g. `network.subnets.private[1]`. */
  readonly path: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** What is allowed instead. */
  readonly allowed: string;
}

/** Every problem found in the environments that were checked; nothing has been synthesized. */
export class ConfigError extends BlueprintError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid environment configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `environment '${p.environment}': ${p.path || '(root)'}: ${show(p.value)} is not allowed: ${p.allowed}`;
}

/**
 * Validates one environment and fills in defaults. `label` names it in messages when the
 * input has no usable name (for example a registry key).
 */
export function checkEnvironment(input: unknown, label: string): EnvironmentConfig | ConfigProblem[] {
  const reserved = reservedKeys(input, []);
  if (reserved.length > 0) {
    return reserved.map((path) => ({
      environment: label,
      path,
      value: path.split(/[.[]/).pop()!.replace(/\]$/, ''),
      allowed: 'is a reserved JavaScript key (it would vanish or change the object it is in): rename the field',
    }));
  }
  const result = environmentSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  return result.error.issues.flatMap((i) => toProblems(i, label));
}

/** Validates every environment; throws one {@link ConfigError} listing all problems. */
export function validateEnvironments(inputs: Readonly<Record<string, unknown>>): EnvironmentConfig[] {
  const problems: ConfigProblem[] = [];
  const configs: EnvironmentConfig[] = [];
  for (const [key, input] of Object.entries(inputs)) {
    const checked = checkEnvironment(input, key);
    if (Array.isArray(checked)) {
      problems.push(...checked);
    } else if (checked.name !== key) {
      problems.push({
        environment: key,
        path: 'name',
        value: checked.name,
        allowed: `must equal the key it is registered under ('${key}')`,
      });
    } else {
      configs.push(checked);
    }
  }
  const names = new Map<string, string>();
  for (const c of configs) {
    const key = `${c.cluster.name}@${c.region}`;
    const other = names.get(key);
    if (other) {
      problems.push({
        environment: c.name,
        path: 'cluster.name',
        value: c.cluster.name,
        allowed: `must differ from environment '${other}' in the same region`,
      });
    }
    names.set(key, c.name);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return configs;
}

function toProblems(i: z.core.$ZodIssue, environment: string): ConfigProblem[] {
  const path = formatPath(i.path);
  switch (i.code) {
    case 'unrecognized_keys':
      return i.keys.map((k) => ({
        environment,
        path: path ? `${path}.${k}` : k,
        value: k,
        allowed: 'unknown field (check the spelling against environments/schema.ts)',
      }));
    case 'invalid_type':
      return [
        {
          environment,
          path,
          value: i.input,
          allowed:
            i.input === undefined
              ? `is required (${i.expected})`
              : typeof i.input === 'number' && i.expected === 'number'
                ? 'must be a finite number'
                : i.message.startsWith('Invalid input')
                  ? `must be ${i.expected}`
                  : i.message,
        },
      ];
    case 'invalid_union': {
      // A discriminated union whose discriminator matched no option: report the discriminator.
      const disc = (i as { discriminator?: string }).discriminator;
      if (disc && i.input && typeof i.input === 'object') {
        return [
          {
            environment,
            path: path.endsWith(disc) ? path : path ? `${path}.${disc}` : disc,
            value: (i.input as Record<string, unknown>)[disc],
            allowed: i.message.replace(/^Invalid discriminator value\. Expected /, 'must be one of ').replace(/ \| /g, ', '),
          },
        ];
      }
      return [{ environment, path, value: i.input, allowed: i.message }];
    }
    case 'invalid_value':
      return [{ environment, path, value: i.input, allowed: `must be one of ${i.values.map(show).join(', ')}` }];
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'custom':
    default:
      return [{ environment, path, value: i.input, allowed: i.message }];
  }
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Paths of own keys named `__proto__`, `constructor` or `prototype`, at any depth (as JSON.parse
 * or a computed key can create them): zod's strict objects either drop them unseen or, for
 * records, let them through to the stacks.
 */
function reservedKeys(value: unknown, at: readonly PropertyKey[], seen = new Set<object>()): string[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const found: string[] = [];
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string') continue;
    const path = [...at, Array.isArray(value) && /^\d+$/.test(key) ? Number(key) : key];
    if (RESERVED_KEYS.has(key)) found.push(formatPath(path));
    else found.push(...reservedKeys((value as Record<string, unknown>)[key], path, seen));
  }
  return found;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
