/**
 * Terraform reads `${...}` and `%{...}` inside any string as an expression. Text that must reach
 * its destination literally (collector `${env:VAR}` references, Grafana `${datasource}`
 * variables) is escaped to `$${` and `%%{`. CDKTF tokens (`${TfToken[...]}`) are left alone so
 * references to other resources still resolve.
 */
export function escapeTerraformTemplates(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}
