/**
 * The conformance suite against the reference list store. Like the memory store, it
 * keeps nothing between store objects, so the durable, shared-instance and
 * stored-form cases are reported as skipped.
 */
import { runConformanceSuite } from '@tokenstore/conformance';
import { describe, it } from 'vitest';

import { createListStore } from '../src/index.js';

runConformanceSuite(
  { describe, it },
  {
    name: 'list',
    capabilities: { durable: false, sharedInstances: false },
    async createTarget() {
      const store = createListStore();
      return { open: async () => store };
    },
  },
);
