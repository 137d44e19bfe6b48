// `npm run test:fuzz`: the fuzz test alone, with 10,000 requests and a new seed (printed) unless FUZZ_SEED is set.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/integration/fuzz.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
    env: {
      FUZZ_RUNS: process.env.FUZZ_RUNS ?? '10000',
      FUZZ_SEED: process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31)),
    },
  },
});
