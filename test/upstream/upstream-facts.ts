import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Upstream facts for offline tests (../shared/upstream: chart indexes, pinned charts' values,
 * CRD and Kubernetes schemas, reference IAM policies). A user's clone has none: tests that read
 * it skip, and say so loudly.
 */
export const UPSTREAM_DIR = path.resolve(__dirname, '../../../shared/upstream');
export const HAS_UPSTREAM = existsSync(path.join(UPSTREAM_DIR, 'README.md'));

if (!HAS_UPSTREAM) {
  console.warn(`SKIPPED: upstream-fact tests need ${UPSTREAM_DIR} (not in a plain clone); pins are then checked only by the pins workflow`);
}

export function upstreamFile(...parts: string[]): string | undefined {
  const file = path.join(UPSTREAM_DIR, ...parts);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export interface PublishedVersion {
  readonly version: string;
  readonly appVersion: string;
}

/** Published versions of a chart, from its repository's index (keyed `<repository> <chart>`). */
export function publishedVersions(repository: string, chart: string): readonly PublishedVersion[] | undefined {
  const text = upstreamFile('published-chart-versions.json');
  if (!text) return undefined;
  const all = JSON.parse(text) as Record<string, { versions: PublishedVersion[] }>;
  return all[`${repository} ${chart}`]?.versions;
}
