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
