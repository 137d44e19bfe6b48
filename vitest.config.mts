import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.mts'],
    globalSetup: ['./test/support/buildPackage.ts'],
    // Several files mostly wait (fault phases, child processes, idle pauses): more files than cores run at once.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/support/summaryReporter.mts'],
  },
});
