import { defineConfig, mergeConfig } from 'vitest/config';

import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Child-process tests run the built package, so a stale build fails the run early.
      globalSetup: ['test/check-build.ts', 'test/leftover-containers.ts'],
    },
  }),
);
