/**
 * The shared settings, with test files run one at a time: some files change server-wide
 * settings (max_prepared_stmt_count, max_connections) or restart the server, which would
 * break the files running beside them on the same server.
 */
import { defineConfig, mergeConfig } from 'vitest/config';

import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      fileParallelism: false,
      // The child-process test runs the built package, so a stale build fails the run early.
      globalSetup: ['test/check-build.ts', 'test/leftover-containers.ts'],
    },
  }),
);
