/**
 * The reader of Zoho token tables, the MySQL tables that the Zoho CRM SDKs' DBStore
 * writes. mysql2 is loaded only when a table is read, so importing this module never
 * needs it.
 */
import {
  DEFAULT_TIMEOUT_MS,
  TokenStoreError,
  ZOHO_COLUMNS,
  checkOptionNames,
  invalidOptionsError,
} from '@tokenstore/core';
import type { Connection, Pool, RowDataPacket } from 'mysql2/promise';

import { convertZohoCells, markDuplicates, type ZohoCells } from './convert.js';
import type { ZohoRecord } from './records.js';
import { classifyTableError } from './table-errors.js';

/** Options of `readZohoTokenTable`. Give `url` or `pool`, not both. */
export interface ZohoTokenTableOptions {
  /**
   * A connection URL that names the database, such as
   * `mysql://user:password@127.0.0.1:3306/zohooauth`. The reader opens one connection
   * and closes it when it is done.
   */
  url?: string;
  /**
   * A pool from `mysql2/promise` (for a pool of mysql2's callback API, pass
   * `pool.promise()`) whose connections select the database. The reader never ends it.
   */
  pool?: Pool;
  /**
   * The table: a letter or `_` first, then letters, digits or `_`, at most 64
   * characters. @default 'oauthtoken'
   */
  table?: string;
  /** How long connecting and each query may take, in milliseconds. @default 5000 */
  timeoutMs?: number;
}

/** The table name of Zoho's DBStore: the default of the `table` option. */
export const DEFAULT_ZOHO_TABLE = 'oauthtoken';

const OPERATION = 'readZohoTokenTable';
const OPTION_NAMES = ['url', 'pool', 'table', 'timeoutMs'];
// The name goes into SQL text, so it may hold only characters that never need escaping
// inside backticks.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// Tables created before the SDKs kept the API domain lack this column.
const OPTIONAL_COLUMNS: ReadonlySet<string> = new Set([ZOHO_COLUMNS.apiDomain]);

/**
 * Reads every row of a Zoho token table and returns one record per row: a token, or a
 * malformed record with the row's position and the reason. Rows come in the order of
 * their ids, shorter ids first, so Zoho's numeric ids come in numeric order. Cells of
 * bytes are decoded as UTF-8. A row is malformed for the same reasons as a line of a token
 * file (see `parseZohoTokenFile`).
 *
 * @throws TokenStoreError `INVALID_OPTIONS` for invalid options, a missing mysql2
 *   package, rejected credentials, or a table that is missing or lacks a Zoho column;
 *   `UNAVAILABLE` when the server cannot be reached; `BACKEND` for other server errors.
 */
export async function readZohoTokenTable(options: ZohoTokenTableOptions): Promise<ZohoRecord[]> {
  const { url, pool, table, timeoutMs } = resolveOptions(options);
  const connection = pool ?? (await connect(url!, timeoutMs));
  try {
    const columns = await readColumnNames(connection, table, timeoutMs);
    const rows = await readRows(connection, table, columns, timeoutMs);
    const records = rows.map((row, index) =>
      convertZohoCells(row, { row: index + 1, ...idOf(row) }),
    );
    return markDuplicates(records);
  } catch (error) {
    throw classifyTableError(error, table, OPERATION);
  } finally {
    if (pool === undefined) {
      (connection as Connection).destroy();
    }
  }
}

/**
 * Tells whether `table` can be the `table` option: a letter or `_` first, then letters,
 * digits or `_`, at most 64 characters (the limit of a MySQL table name).
 */
export function isZohoTableName(table: unknown): table is string {
  return typeof table === 'string' && TABLE_NAME.test(table);
}

interface ResolvedOptions {
  url: string | undefined;
  pool: Pool | undefined;
  table: string;
  timeoutMs: number;
}

function resolveOptions(options: ZohoTokenTableOptions): ResolvedOptions {
  checkOptionNames('zoho', OPERATION, options, OPTION_NAMES);
  const { url, pool, table = DEFAULT_ZOHO_TABLE, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const invalid = (detail: string): TokenStoreError =>
    invalidOptionsError('zoho', OPERATION, detail);

  if ((url === undefined) === (pool === undefined)) {
    throw invalid('give either url or pool, not both and not neither');
  }
  if (url !== undefined && (typeof url !== 'string' || !/^(mysql|mariadb):\/\/./.test(url))) {
    throw invalid('url must be a connection URL that starts with mysql:// or mariadb://');
  }
  if (!isZohoTableName(table)) {
    throw invalid(
      'table must be a letter or _ followed by letters, digits or _, at most 64 characters',
    );
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 0x7fff_ffff) {
    throw invalid('timeoutMs must be a positive whole number of milliseconds');
  }
  return { url, pool, table, timeoutMs };
}

async function connect(url: string, timeoutMs: number): Promise<Connection> {
  let mysql: typeof import('mysql2/promise');
  try {
    mysql = await import('mysql2/promise');
  } catch (error) {
    throw new TokenStoreError(
      'INVALID_OPTIONS',
      'reading a Zoho token table needs the mysql2 package: npm install mysql2',
      { operation: OPERATION, cause: error },
    );
  }
  try {
    return await mysql.createConnection({
      uri: url,
      charset: 'utf8mb4',
      connectTimeout: timeoutMs,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  } catch (error) {
    // mysql2 checks its options before it connects and throws a TypeError for a
    // value it cannot use, such as ssl=bogus in the URL. Its message may quote the
    // URL's values, so it stays the cause.
    if (error instanceof TypeError) {
      throw new TokenStoreError(
        'INVALID_OPTIONS',
        'invalid options: mysql2 rejected an option of the url, such as an ssl value ' +
          'that is neither a JSON object of TLS options nor a profile name',
        { store: 'zoho', operation: OPERATION, cause: error },
      );
    }
    throw classifyTableError(error, undefined, OPERATION);
  }
}

// Returns the table's column names in lower case, as Zoho's schema spells them.
async function readColumnNames(
  connection: Connection | Pool,
  table: string,
  timeoutMs: number,
): Promise<Set<string>> {
  const [databaseRows] = await connection.query<RowDataPacket[]>({
    sql: 'SELECT DATABASE() AS name',
    timeout: timeoutMs,
  });
  if (databaseRows[0]?.name === null || databaseRows[0]?.name === undefined) {
    throw invalidOptionsError('zoho', OPERATION, 'the connection selects no database');
  }

  const [rows] = await connection.query<RowDataPacket[]>({
    sql:
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS' +
      ' WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    values: [table],
    timeout: timeoutMs,
  });
  if (rows.length === 0) {
    throw invalidOptionsError('zoho', OPERATION, `the table ${table} does not exist`);
  }
  const columns = new Set(rows.map((row) => String(row.name).toLowerCase()));

  const missing = Object.values(ZOHO_COLUMNS).filter(
    (column) => !columns.has(column) && !OPTIONAL_COLUMNS.has(column),
  );
  if (missing.length > 0) {
    throw invalidOptionsError(
      'zoho',
      OPERATION,
      `the table ${table} is not a Zoho token table: it has no column ${missing.join(', ')}`,
    );
  }
  return columns;
}

async function readRows(
  connection: Connection | Pool,
  table: string,
  columns: ReadonlySet<string>,
  timeoutMs: number,
): Promise<ZohoCells[]> {
  const selected = Object.values(ZOHO_COLUMNS).filter((column) => columns.has(column));
  const [rows] = await connection.query<RowDataPacket[]>({
    sql:
      `SELECT ${selected.map((column) => `\`${column}\``).join(', ')} FROM \`${table}\`` +
      ' ORDER BY CHAR_LENGTH(`id`), `id`',
    timeout: timeoutMs,
  });
  return rows as ZohoCells[];
}

function idOf(row: ZohoCells): { id?: string } {
  const cell = row[ZOHO_COLUMNS.id];
  if (cell === null || cell === undefined || cell === '') return {};
  const id = cell instanceof Uint8Array ? Buffer.from(cell).toString('utf8') : String(cell);
  return { id };
}
