import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Synthesis is CPU-bound; two workers match the two-core CI machine.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
