/**
 * Shared test helpers: the fixture users, temporary folders that are removed after
 * each test, and stores that are closed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TokenStore } from '@tokenstore/core';
import type BetterSqlite3 from 'better-sqlite3';
import { onTestFinished } from 'vitest';

import { createSqliteStore, type SqliteStoreOptions } from '../src/index.js';

export {
  ALICE,
  BOB,
  CAROL,
  EXPIRES_AT,
  fixtureUser,
  labelledLongToken,
  longToken,
  withoutId,
  type FixtureUser,
} from '@tokenstore/test-support';

/** better-sqlite3, loaded the way the store loads it, so that both share one module. */
export const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** Opens a raw better-sqlite3 connection, closed when the test finishes. */
export function openRawDatabase(
  path: string,
  options: BetterSqlite3.Options = {},
): BetterSqlite3.Database {
  const db = new Database(path, options);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return db;
}

/** Returns the names of the tables in a database file. */
export function tableNames(path: string): string[] {
  const db = openRawDatabase(path, { readonly: true });
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
  db.close();
  return names as string[];
}

/** Creates an empty folder under the system temp folder, removed when the test finishes. */
export function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tokenstore-sqlite-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Creates a store that is closed when the test finishes. */
export function openStore(options: SqliteStoreOptions): TokenStore {
  const store = createSqliteStore(options);
  onTestFinished(() => store.close());
  return store;
}
