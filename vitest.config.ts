import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts so the extension build plugins (@crxjs) never run in tests.
export default defineConfig({
  // Unit tests run the worker's modules as the test build has them (src/build-flags.d.ts).
  define: { __CORSIGHT_TEST_API__: 'true', __CORSIGHT_BROWSER__: JSON.stringify('chrome') },
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
          // A deadline for a hung test, not a timing assertion: on a loaded 2-core machine, with
          // coverage on, tests that take 1-2 s here took over 5 s (vitest's default).
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // One Chromium at a time: the machine has two cores and tests share the lab ports.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
    coverage: {
      provider: 'v8',
      // The engine is the part whose every branch is a browser rule: keep it fully exercised.
      include: ['src/engine/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: { branches: 95 },
    },
  },
});
