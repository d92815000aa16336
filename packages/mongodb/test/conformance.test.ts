/**
 * The conformance suite against the MongoDB store: each case gets its own collection,
 * dropped afterwards with its claims collection, and `readRaw` reads the document through a client of its own.
 */
import { runConformanceSuite } from '@tokenstore/conformance';
import { provideServer } from '@tokenstore/conformance/servers';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, it } from 'vitest';

import { CLAIMS_SUFFIX } from '../src/claims.js';
import { createMongoStore } from '../src/index.js';
import { TEST_DATABASE, dropCollection, randomName } from './helpers.js';

const provided = await provideServer('mongodb');
const server = provided.available ? provided.server : undefined;
if (server !== undefined) console.log(`mongodb store tests run on ${server.description}`);

describe.skipIf(server === undefined)(
  `mongodb conformance${provided.available ? '' : ` (skipped: ${provided.reason})`}`,
  () => {
    let raw: MongoClient;
    beforeAll(async () => {
      raw = await new MongoClient(server!.url).connect();
    });
    afterAll(() => raw?.close());

    runConformanceSuite(
      { describe, it },
      {
        name: 'mongodb',
        capabilities: { durable: true, sharedInstances: true, rawRead: true },
        async createTarget() {
          const collection = randomName('conformance');
          return {
            open: async () =>
              createMongoStore({ url: server!.url, database: TEST_DATABASE, collection }),
            readRaw: (id) =>
              raw
                .db(TEST_DATABASE)
                .collection(collection)
                .findOne({ _id: { $eq: id } as never }),
            dispose: async () => {
              await dropCollection(raw, TEST_DATABASE, collection);
              await dropCollection(raw, TEST_DATABASE, collection + CLAIMS_SUFFIX);
            },
          };
        },
      },
    );
  },
);

afterAll(() => server?.close());
