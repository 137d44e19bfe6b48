import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.mts'],
    globalSetup: ['./test/support/buildPackage.ts'],
    // Several files mostly wait (fault phases, child processes, idle pauses): more files than cores run at once.
    maxWorkers: 4,
    // Generous: a timeout is a hang detector here, never a speed check (bench/ measures speed), and the files
    // that race writers or fuzz slow down several times over when the machine is busy.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summaryReporter.mts'],
  },
});
