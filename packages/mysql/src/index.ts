/**
 * `@tokenstore/mysql`: an OAuth token store on MySQL 8 and MariaDB 10.11+ through
 * mysql2, in the table layout of the Zoho SDKs, with an explicit upgrade step for tables
 * those SDKs created.
 */
export { createMysqlStore } from './store.js';
export { createMysqlSchema, type MysqlSchemaResult } from './setup.js';
export { upgradeMysqlTable, type MysqlUpgradeResult } from './upgrade.js';
export {
  DEFAULT_TABLE,
  DEFAULT_CONNECTION_LIMIT,
  type MysqlConnectionOptions,
  type MysqlStoreOptions,
} from './options.js';
