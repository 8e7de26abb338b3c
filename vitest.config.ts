import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (Node: engine, services, command line, renderer logic; files in
 * parallel) and `e2e` (a real server, engine process and Chromium per file). The e2e
 * files run one at a time after the unit tests, so the latency and long-task figures
 * they measure are not taken while the other core is busy with unrelated tests.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits only as long as it must; its default 1 s was too short for a
    // loaded 2-core machine (a fine-tune e2e step saw its notice after more than 1 s).
    expect: { poll: { timeout: 15_000 } },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/e2e/**'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          globalSetup: ['tests/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
