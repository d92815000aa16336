/** The options of the MySQL store and its schema calls, with their defaults and checks. */
import {
  DEFAULT_TIMEOUT_MS,
  checkOptionNames,
  invalidOptionsError,
  type CommonStoreOptions,
  type TokenStoreError,
  type TokenStoreLogger,
} from '@tokenstore/core';
import type { Pool } from 'mysql2/promise';

/** The connection settings: a URL (the store then owns its pool) or a pool of the caller's. */
export interface MysqlConnectionOptions extends CommonStoreOptions {
  /**
   * A connection URL that names a database, such as
   * `mysql://user:password@127.0.0.1:3306/app`. The store creates a mysql2 pool from it,
   * with a utf8mb4 connection charset, and ends that pool on `close()`. Give `url` or
   * `pool`, not both.
   */
  url?: string;
  /**
   * A mysql2 promise pool (`mysql2/promise`'s `createPool`) whose connections select a
   * database. The store borrows connections from it and never ends it. Give `url` or
   * `pool`, not both.
   */
  pool?: Pool;
  /**
   * The table of token records: a letter or `_` first, then letters, digits or `_`, at
   * most 48 characters in all, so that the upgrade's temporary table names stay within
   * MySQL's limit of 64. @default 'oauthtoken'
   */
  table?: string;
}

/** Options of `createMysqlStore`. */
export interface MysqlStoreOptions extends MysqlConnectionOptions {
  /**
   * Creates the table on first use when the schema catalog has none of that name. With
   * `false`, the store only checks that the table exists with the right layout, for
   * database users without the CREATE privilege (run `createMysqlSchema` once as a user
   * who has it). @default true
   */
  createSchema?: boolean;
  /**
   * The maximum number of connections the store's own pool opens at once. Only with
   * `url`, because a pool passed as `pool` keeps its own limit. @default 10
   */
  connectionLimit?: number;
}

/** The table name of the Zoho SDK schema: the default of the `table` option. */
export const DEFAULT_TABLE = 'oauthtoken';

/** The default of `MysqlStoreOptions.connectionLimit`. */
export const DEFAULT_CONNECTION_LIMIT = 10;

/** Options with their defaults applied. */
export interface ResolvedOptions {
  url: string | undefined;
  pool: Pool | undefined;
  table: string;
  timeoutMs: number;
  createSchema: boolean;
  connectionLimit: number;
  logger: TokenStoreLogger | undefined;
}

// A table name goes into SQL text (it cannot be a placeholder), so it is restricted to
// characters that never need escaping inside a backtick-quoted identifier.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

// Node's timers fire at once for a delay above the largest 32-bit signed integer.
const MAX_TIMEOUT_MS = 0x7fff_ffff;
const MAX_CONNECTION_LIMIT = 1000;
const URL_PROTOCOLS: ReadonlySet<string> = new Set(['mysql:', 'mariadb:']);

const CONNECTION_OPTION_NAMES = ['url', 'pool', 'table', 'timeoutMs', 'logger'];
const STORE_OPTION_NAMES = [...CONNECTION_OPTION_NAMES, 'createSchema', 'connectionLimit'];

/**
 * Applies the defaults and checks every option: those of `createMysqlStore` for the
 * `store` kind, those of `MysqlConnectionOptions` for the `schema` kind (the schema and
 * upgrade calls). Messages never repeat the URL, which may contain a password.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` naming the invalid option.
 */
export function resolveOptions(
  options: MysqlStoreOptions,
  operation: string,
  kind: 'store' | 'schema',
): ResolvedOptions {
  const invalid = (detail: string): TokenStoreError =>
    invalidOptionsError('mysql', operation, detail);

  checkOptionNames(
    'mysql',
    operation,
    options,
    kind === 'store' ? STORE_OPTION_NAMES : CONNECTION_OPTION_NAMES,
  );
  const {
    url,
    pool,
    table = DEFAULT_TABLE,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    createSchema = true,
    connectionLimit,
    logger,
  } = options;

  if ((url === undefined) === (pool === undefined)) {
    throw invalid('give exactly one of url and pool');
  }
  if (url !== undefined) {
    checkUrl(url, invalid);
  }
  if (pool !== undefined) {
    checkPool(pool, invalid);
  }
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw invalid('table must be 1 to 48 letters, digits or "_" and must not start with a digit');
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalid(`timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  if (typeof createSchema !== 'boolean') {
    throw invalid('createSchema must be a boolean');
  }
  if (connectionLimit !== undefined && pool !== undefined) {
    throw invalid('connectionLimit applies only with url: set the limit on your own pool');
  }
  const limit = connectionLimit ?? DEFAULT_CONNECTION_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_CONNECTION_LIMIT) {
    throw invalid(`connectionLimit must be a whole number from 1 to ${MAX_CONNECTION_LIMIT}`);
  }

  return { url, pool, table, timeoutMs, createSchema, connectionLimit: limit, logger };
}

function checkUrl(url: unknown, invalid: (detail: string) => TokenStoreError): void {
  if (typeof url !== 'string') {
    throw invalid('url must be a string such as mysql://user:password@127.0.0.1:3306/database');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url is not a valid URL: expected mysql://user:password@host:port/database');
  }
  if (!URL_PROTOCOLS.has(parsed.protocol)) {
    throw invalid('url must start with mysql:// or mariadb://');
  }
  if (parsed.hostname === '') {
    throw invalid('url must name a host');
  }
  if (parsed.pathname.length <= 1) {
    throw invalid('url must name a database, as in mysql://user:password@host:port/database');
  }
}

function checkPool(pool: unknown, invalid: (detail: string) => TokenStoreError): void {
  const candidate = pool as { getConnection?: unknown; promise?: unknown; pool?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null) {
    throw invalid('pool must be a mysql2 promise pool');
  }
  if (typeof candidate.promise === 'function' && candidate.pool === undefined) {
    throw invalid(
      'pool is a callback pool of mysql2: pass pool.promise(), or a pool from mysql2/promise',
    );
  }
  if (typeof candidate.getConnection !== 'function') {
    throw invalid('pool must be a mysql2 promise pool with a getConnection method');
  }
}
