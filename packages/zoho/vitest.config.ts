import { defineConfig, mergeConfig } from 'vitest/config';

import shared from '../../vitest.shared.js';

// The command's tests run bin/tokenstore-zoho.js, which runs the built dist, so a stale
// build fails the run early. The server tests' containers carry a label, and what a
// killed run left behind is removed before and after the tests.
export default mergeConfig(
  shared,
  defineConfig({
    test: { globalSetup: ['test/support/check-build.ts', 'test/support/leftover-containers.ts'] },
  }),
);
