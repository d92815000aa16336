/**
 * The conformance suite against the in-memory store. It keeps nothing between store
 * objects and shares nothing between them, so the durable, shared-instance and
 * stored-form cases are reported as skipped.
 */
import { runConformanceSuite } from '@tokenstore/conformance';
import { describe, it } from 'vitest';

import { createMemoryStore } from '../src/index.js';

runConformanceSuite(
  { describe, it },
  {
    name: 'memory',
    capabilities: { durable: false, sharedInstances: false },
    async createTarget() {
      const store = createMemoryStore();
      return { open: async () => store };
    },
  },
);
