import { defineConfig, mergeConfig } from 'vitest/config';

import shared from '../../vitest.shared.js';

// The command's tests spawn bin/tokenstore-conformance.js, which runs dist/cli.js, so
// the package is built before they run.
export default mergeConfig(
  shared,
  defineConfig({ test: { globalSetup: ['test/support/build.ts'] } }),
);
