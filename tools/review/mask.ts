/** Attribute names whose values never appear in a review. */
const SECRET_NAME = /(password|passwd|secret|token|private_key|api_key|apikey|auth|credential|certificate_authority|ca_data)/i;

export const MASK = '(sensitive)';

/** True when the last path segment names a secret. */
export function isSecretPath(path: string): boolean {
  const last = path.split('.').pop() ?? path;
  return SECRET_NAME.test(last.replace(/\[\d+\]$/, ''));
}

/** A value as shown in the review: secrets masked, long values shortened. */
export function display(path: string, value: unknown): string {
  if (value === undefined) return '(none)';
  if (isSecretPath(path)) return MASK;
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
