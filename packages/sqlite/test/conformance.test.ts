/**
 * The conformance suite against the SQLite store: each case gets a new database file
 * in its own temporary folder, and `readRaw` reads the row through a separate
 * connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runConformanceSuite } from '@tokenstore/conformance';
import { describe, it } from 'vitest';

import { createSqliteStore } from '../src/index.js';
import { Database } from './helpers.js';

runConformanceSuite(
  { describe, it },
  {
    name: 'sqlite',
    capabilities: { durable: true, sharedInstances: true, rawRead: true },
    async createTarget() {
      const folder = await mkdtemp(join(tmpdir(), 'tokenstore-sqlite-conformance-'));
      const path = join(folder, 'tokens.db');
      return {
        open: async () => createSqliteStore({ path }),
        async readRaw(id) {
          const db = new Database(path, { readonly: true, fileMustExist: true });
          try {
            const row = db.prepare('SELECT * FROM oauthtoken WHERE id = ?').get(id);
            return (row as Record<string, unknown> | undefined) ?? null;
          } finally {
            db.close();
          }
        },
        dispose: () => rm(folder, { recursive: true, force: true }),
      };
    },
  },
);
