/** The options of `createSqliteStore` and `upgradeSqliteTable`, with their defaults and checks. */
import {
  DEFAULT_TIMEOUT_MS,
  checkOptionNames,
  invalidOptionsError,
  type CommonStoreOptions,
  type TokenStoreError,
} from '@tokenstore/core';

/** Options of `createSqliteStore`. */
export interface SqliteStoreOptions extends CommonStoreOptions {
  /**
   * The database file, or `:memory:` for a database that lives as long as the store.
   * A missing file is created with mode 0600 and a missing folder with mode 0700.
   */
  path: string;
  /**
   * The table of token records: letters, digits and `_`, at most 64 characters,
   * not starting with a digit or `sqlite_`. @default 'oauthtoken'
   */
  table?: string;
  /**
   * Opens the database read-only: reads work, every write fails with `BACKEND`, and
   * nothing on disk is created or changed (not even a file mode). @default false
   */
  readonly?: boolean;
}

/** Options of `upgradeSqliteTable`. */
export interface SqliteUpgradeOptions extends CommonStoreOptions {
  /** The database file with the table. It must exist. */
  path: string;
  /** The table to upgrade. @default 'oauthtoken' */
  table?: string;
}

/** The table name of the Zoho SDK schema: the default of the `table` option. */
export const DEFAULT_TABLE = 'oauthtoken';

/** The path that opens a private in-memory database. */
export const MEMORY_PATH = ':memory:';

/** Options with their defaults applied. */
export interface ResolvedOptions {
  path: string;
  table: string;
  timeoutMs: number;
  readonly: boolean;
  logger: CommonStoreOptions['logger'];
}

const UPGRADE_OPTION_NAMES = ['path', 'table', 'timeoutMs', 'logger'];
const STORE_OPTION_NAMES = [...UPGRADE_OPTION_NAMES, 'readonly'];

// A table name goes into SQL text (it cannot be a placeholder), so it is restricted to
// characters that never need escaping inside a quoted identifier.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

// better-sqlite3 rejects a busy timeout above the largest 32-bit signed integer.
const MAX_TIMEOUT_MS = 0x7fff_ffff;

/**
 * Applies the defaults and checks every option.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` naming the invalid option.
 */
export function resolveOptions(
  options: SqliteStoreOptions | SqliteUpgradeOptions,
  operation: string,
): ResolvedOptions {
  const invalid = (detail: string): TokenStoreError =>
    invalidOptionsError('sqlite', operation, detail);

  if (typeof options !== 'object' || options === null) {
    throw invalid('expected an options object with a path');
  }
  checkOptionNames(
    'sqlite',
    operation,
    options,
    operation === 'createSqliteStore' ? STORE_OPTION_NAMES : UPGRADE_OPTION_NAMES,
  );
  const { path, table = DEFAULT_TABLE, timeoutMs = DEFAULT_TIMEOUT_MS, logger } = options;
  const readonly = 'readonly' in options ? (options.readonly ?? false) : false;

  if (typeof path !== 'string' || path.trim() === '') {
    throw invalid('path must be a file path or ":memory:"');
  }
  if (path.startsWith('file:')) {
    throw invalid('path must be a file path; SQLite URI file names are not supported');
  }
  if (typeof table !== 'string' || !TABLE_NAME.test(table) || /^sqlite_/i.test(table)) {
    throw invalid(
      'table must be 1 to 64 letters, digits or "_", not start with a digit, and not start with "sqlite_"',
    );
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalid(`timeoutMs must be a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}`);
  }
  if (typeof readonly !== 'boolean') {
    throw invalid('readonly must be a boolean');
  }
  if (readonly && path === MEMORY_PATH) {
    throw invalid('an in-memory database cannot be read-only');
  }
  return { path, table, timeoutMs, readonly, logger };
}
