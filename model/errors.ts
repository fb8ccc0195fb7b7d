/**
 * An error in what the user asked for (configuration or construct props), as opposed to a bug.
 *
 * Entry points print `message` alone, without a stack trace, and exit non-zero before
 * anything is written to the output directory.
 */
export class BlueprintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlueprintError';
  }
}

/** Formats a value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, Infinity (JSON says null)
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}
