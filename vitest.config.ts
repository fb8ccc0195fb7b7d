import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Synthesis is CPU-bound; two workers match the two-core CI machine.
    maxWorkers: 2,
    // Test files share a worker's loaded modules (cdktf and the providers load once per worker,
    // not once per file): 133 s -> 87 s for the suite without the docs and fork tests, all green
    // either way. So a test must leave module state as it found it (process.env, the
    // stack-trace switch in constructs/core/cdktf.ts): files no longer get a fresh module graph.
    isolate: false,
    testTimeout: 60_000,
  },
});
