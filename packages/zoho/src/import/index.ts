/**
 * Import of the OAuth tokens that the Zoho CRM SDKs keep in a token file (FileStore)
 * or a MySQL table (DBStore) into any tokenstore store, without a new login.
 */
export { readZohoTokenFile, parseZohoTokenFile } from './token-file.js';
export {
  readZohoTokenTable,
  DEFAULT_ZOHO_TABLE,
  type ZohoTokenTableOptions,
} from './token-table.js';
export {
  importZohoTokens,
  type ZohoImportOptions,
  type ZohoImportResult,
  type WrittenToken,
  type FailedToken,
} from './import.js';
export {
  describePosition,
  type ZohoRecord,
  type TokenRecord,
  type MalformedRecord,
  type RecordPosition,
  type FilePosition,
  type TablePosition,
} from './records.js';
