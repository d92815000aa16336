/**
 * `@tokenstore/sqlite`: an OAuth token store on SQLite, in the table layout of the Zoho
 * SDKs, with an explicit upgrade step for tables those SDKs created.
 */
export { createSqliteStore } from './store.js';
export { upgradeSqliteTable, type SqliteUpgradeResult } from './upgrade.js';
export { DEFAULT_TABLE, type SqliteStoreOptions, type SqliteUpgradeOptions } from './options.js';
