import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Real model, real index: a cold model load and an index build take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Model inference already uses every core; parallel test files would only contend.
    fileParallelism: false,
  },
});
