import { describe, expect, it } from 'vitest';
import { escapeTerraformTemplates } from '../../../constructs/core/terraform-escape';
import { TerraformOutput, Token } from '../../../constructs/core/cdktf';
import { synthWith } from '../../helpers';

describe('escapeTerraformTemplates', () => {
  it('escapes template sequences Terraform would evaluate', () => {
    expect(escapeTerraformTemplates('${env:NODE} and %{if x}')).toBe('$${env:NODE} and %%{if x}');
  });

  it('leaves CDKTF tokens alone so references still resolve', () => {
    const json = synthWith((scope) => {
      const reference = Token.asString(Token.asAny('${var.region}'));
      new TerraformOutput(scope, 'x', { value: escapeTerraformTemplates(`\${env:A}/${reference}`) });
    }) as unknown as { output: Record<string, { value: string }> };
    expect(Object.values(json.output)[0].value).toBe('$${env:A}/${var.region}');
  });
});
