/**
 * The one place the project imports the CDK for Terraform core library.
 *
 * CDKTF was archived by HashiCorp in December 2025 (0.21.0 is final). Its community fork,
 * CDK Terrain (`cdktn`), keeps the same API. Every other file imports these symbols from
 * here, so a move to the fork is a change to this file and to package.json
 * (see docs/architecture.md, "Staying on cdktf 0.21.0").
 */
export {
  Annotations,
  App,
  Aspects,
  dependable,
  Fn,
  Lazy,
  LocalBackend,
  S3Backend,
  TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Testing,
  Token,
} from 'cdktf';
export type { AppConfig, IAspect, ITerraformDependable } from 'cdktf';

// cdktf's own logical-id function (what `allocateLogicalId` applies to a construct path). Not
// in the package's public index; CDK Terrain keeps the same file. Used only for `moved` blocks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unique = require('cdktf/lib/private/unique') as { makeUniqueId(components: string[]): string };

/** The Terraform logical id cdktf gives a resource at construct path `path` (ids below the stack). */
export function logicalIdOf(path: readonly string[]): string {
  return unique.makeUniqueId([...path]);
}

// cdktf records a complete stack trace (Error.stackTraceLimit raised to MAX_SAFE_INTEGER) for
// every token it creates; only an error about a token that cannot be resolved reads it. Capturing
// and formatting those traces was about a fifth of synth time (docs/testing.md, "Benchmark"), so
// it is off unless GPB_STACK_TRACES=1 asks for it when debugging such an error. The output does
// not change either way. Callers read the function from the module's exports at every call, so
// replacing it there is enough; CDK Terrain keeps the same file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
const captureStackTrace = traces.captureStackTrace;
const noStackTrace = (): string[] => [];

/** Turns cdktf's per-token stack traces on or off (off by default; GPB_STACK_TRACES=1 turns them on). */
export function setTokenStackTraces(on: boolean): void {
  traces.captureStackTrace = on ? captureStackTrace : noStackTrace;
}

setTokenStackTraces(process.env.GPB_STACK_TRACES === '1');
