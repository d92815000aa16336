import { defineConfig, mergeConfig } from 'vitest/config';

import shared from '../../vitest.shared.js';

// The command's tests spawn bin/tokenstore-conformance.js, which runs dist/cli.js, so
// the package is built before they run. The server tests' containers carry a label,
// and what a killed run left behind is removed before and after the tests.
export default mergeConfig(
  shared,
  defineConfig({
    test: { globalSetup: ['test/support/build.ts', 'test/support/leftover-containers.ts'] },
  }),
);
