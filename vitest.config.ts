import { configDefaults, defineConfig } from 'vitest/config';

// Two projects:
// - `unit` (`npm run test:unit`): unit tests beside the code (`src/**/*.test.ts`, `scripts/**/*.test.ts`) and the
//   tests under `test/` that need no real server or tool (fuzzing, dependency rules, CLI runs on local layouts).
// - `int` (`npm run test:int`): tests against real servers and tools (registry, kube-apiserver, lifecycle, pack),
//   under `test/` and named `*.int.test.ts`; they need `npm run provision` first.
// `npm test` (scripts/test.sh) runs both.
const integration = 'test/**/*.int.test.ts';

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores on CI: more workers only add contention for the real servers the tests start.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...configDefaults.exclude, integration] },
      },
      {
        extends: true,
        test: { name: 'int', include: [integration] },
      },
    ],
  },
});
