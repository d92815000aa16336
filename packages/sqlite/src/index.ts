/**
 * `@tokenstore/sqlite`: an OAuth token store on SQLite, in the table layout of the Zoho
 * SDKs.
 */
export { createSqliteStore } from './store.js';
export { DEFAULT_TABLE, type SqliteStoreOptions } from './options.js';
