/**
 * The vitest settings every package uses: the usual console report, and a JSON report
 * that `tooling/scripts/workspace.mjs` adds up into one summary line for the run.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
