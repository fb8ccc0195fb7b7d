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
