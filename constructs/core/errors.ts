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
  return JSON.stringify(value);
}
