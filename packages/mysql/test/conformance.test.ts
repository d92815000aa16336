/**
 * The conformance suite against the MySQL store: each case gets its own table, dropped
 * in `dispose`, and `readRaw` reads the row through an administrator connection.
 */
import { runConformanceSuite } from '@tokenstore/conformance';
import { afterAll, describe, it } from 'vitest';

import { createMysqlStore } from '../src/index.js';
import { COLUMNS } from '../src/schema.js';
import { admin, closeAdmin, provided, server, skipNote, uniqueName } from './helpers.js';

if (provided.available) {
  console.log(`mysql conformance runs on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

describe.skipIf(!provided.available)(`mysql store${skipNote}`, () => {
  runConformanceSuite(
    { describe, it },
    {
      name: 'mysql',
      capabilities: { durable: true, sharedInstances: true, rawRead: true },
      async createTarget() {
        const table = uniqueName('conformance');
        return {
          open: async () => createMysqlStore({ url: server().url, table }),
          async readRaw(id) {
            // The data columns only, because the hash columns contain SHA-256 digests, not values.
            const [rows] = await admin().query(
              `SELECT ${COLUMNS.join(', ')} FROM \`${table}\` WHERE id = ?`,
              [Buffer.from(id, 'utf8')],
            );
            return (rows as Record<string, unknown>[])[0] ?? null;
          },
          dispose: async () => {
            await admin().query(`DROP TABLE IF EXISTS \`${table}\``);
          },
        };
      },
    },
  );
});
