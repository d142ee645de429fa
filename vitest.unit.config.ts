import { defineConfig } from 'vitest/config';

/**
 * The fast unit tests alone: no global setup, so no CLI compile, no model load and no seed index build.
 * `npm test` still runs them too, through the main config's `tests/**` pattern.
 */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
  },
});
