/**
 * The conformance suite against the Redis store: each case gets its own key prefix on
 * the test server, `readRaw` reads the record's hash with HGETALL, and dispose deletes
 * every key of the prefix.
 */
import { runConformanceSuite } from '@tokenstore/conformance';
import { describe, it } from 'vitest';

import { createRedisStore } from '../src/index.js';
import { KeyLayout } from '../src/keys.js';
import { adminClient, removePrefix, serverUrl, skipNote, server, uniquePrefix } from './server.js';

describe.skipIf(server === undefined)(`redis store${skipNote}`, () => {
  runConformanceSuite(
    { describe, it },
    {
      name: 'redis',
      capabilities: { durable: true, sharedInstances: true, rawRead: true },
      async createTarget() {
        const prefix = uniquePrefix();
        const keys = new KeyLayout(prefix);
        return {
          open: async () => createRedisStore({ url: serverUrl(), prefix }),
          async readRaw(id) {
            const hash = await adminClient().hgetall(keys.recordKey(id));
            return Object.keys(hash).length === 0 ? null : hash;
          },
          dispose: () => removePrefix(prefix),
        };
      },
    },
  );
});
