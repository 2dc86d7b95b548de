import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (`src/**/*.test.ts`); tests against real servers and tools
// (registry, kube-apiserver, lifecycle, pack) sit under `test/` and are named `*.int.test.ts`.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores on CI: more workers only add contention for the real servers the tests start.
    maxWorkers: 2,
  },
});
