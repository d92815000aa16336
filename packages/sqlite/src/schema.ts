/**
 * The token table: its layout, the statements that create it, and the catalog checks
 * that tell a usable table from a missing one or one in an older layout (such as the
 * table that Zoho's SDKs and samples create).
 */
import {
  TOKEN_FIELDS,
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  TokenStoreError,
  type TokenStoreLogger,
  type UniqueField,
} from '@tokenstore/core';

import type { Database } from './driver.js';

/** The columns in the order of the Zoho schema. */
export const COLUMNS = TOKEN_FIELDS.map((field) => ZOHO_COLUMNS[field]);

/** The columns that hold a unique index, by field. */
export const UNIQUE_COLUMNS: ReadonlyMap<string, UniqueField> = new Map(
  UNIQUE_FIELDS.map((field) => [ZOHO_COLUMNS[field], field]),
);

const ID_COLUMN = ZOHO_COLUMNS.id;
const EXPIRY_COLUMN = ZOHO_COLUMNS.expiresAt;

/** The declared type of each column. TEXT takes values up to SQLite's limit of 1e9 bytes by default. */
const COLUMN_TYPES: Readonly<Record<string, 'TEXT' | 'INTEGER'>> = Object.fromEntries(
  COLUMNS.map((column) => [column, column === EXPIRY_COLUMN ? 'INTEGER' : 'TEXT']),
);

/** The state of a table, read from the schema catalog. */
export type TableState =
  | { kind: 'missing' }
  | { kind: 'current' }
  /** All columns are there, but with other types or without the unique indexes. */
  | { kind: 'outdated'; problems: string[] }
  /** Token columns are missing: this is not a token table at all. */
  | { kind: 'incompatible'; missingColumns: string[] };

/** Returns a table or index name as a quoted SQL identifier. The name must be validated. */
export function quoteIdentifier(name: string): string {
  return `"${name}"`;
}

/**
 * Returns the statement that creates the table. STRICT makes SQLite reject a value of
 * the wrong type instead of converting it, so a stored expiry is always an integer.
 */
export function createTableSql(table: string): string {
  const columns = COLUMNS.map((column) =>
    column === ID_COLUMN
      ? `${column} TEXT NOT NULL PRIMARY KEY`
      : `${column} ${COLUMN_TYPES[column]}`,
  );
  return `CREATE TABLE ${quoteIdentifier(table)} (${columns.join(', ')}) STRICT`;
}

/**
 * Returns the statements that create one unique index per lookup column. SQLite lets
 * any number of rows hold NULL in a unique column, so records without a value never
 * collide, and compares TEXT with the BINARY collation, so matching is exact.
 */
export function createIndexSqls(table: string): string[] {
  return [...UNIQUE_COLUMNS.keys()].map(
    (column) =>
      `CREATE UNIQUE INDEX ${quoteIdentifier(`${table}_${column}_key`)} ON ${quoteIdentifier(table)} (${column})`,
  );
}

/** Reads the table's columns and indexes from the catalog and returns its state. */
export function inspectTable(db: Database, table: string): TableState {
  const columns = db.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all(table) as {
    name: string;
    type: string;
    pk: number;
  }[];
  if (columns.length === 0) {
    return { kind: 'missing' };
  }

  const typeOf = new Map(columns.map((column) => [column.name, column]));
  const missingColumns = COLUMNS.filter((column) => !typeOf.has(column));
  if (missingColumns.length > 0) {
    return { kind: 'incompatible', missingColumns };
  }

  const problems: string[] = [];
  for (const column of COLUMNS) {
    const declared = typeOf.get(column)?.type ?? '';
    if (declared.toUpperCase() !== COLUMN_TYPES[column]) {
      problems.push(`column ${column} is ${declared || 'untyped'}, not ${COLUMN_TYPES[column]}`);
    }
  }
  const primaryKey = columns.filter((column) => column.pk > 0).map((column) => column.name);
  if (primaryKey.length !== 1 || primaryKey[0] !== ID_COLUMN) {
    problems.push(`the primary key is not the ${ID_COLUMN} column alone`);
  }
  const exactUnique = exactUniqueColumns(db, table);
  for (const column of [ID_COLUMN, ...UNIQUE_COLUMNS.keys()]) {
    if (!exactUnique.has(column)) {
      problems.push(`no unique index with exact matching on ${column}`);
    }
  }
  return problems.length === 0 ? { kind: 'current' } : { kind: 'outdated', problems };
}

/** Options of `ensureTable`. */
export interface EnsureTableOptions {
  readonly: boolean;
  /** The database's path, or a description of an in-memory one, for messages. */
  location: string;
  logger: TokenStoreLogger | undefined;
}

/**
 * Creates the table and its indexes when the catalog has no such table, and checks an
 * existing one. Runs in an IMMEDIATE transaction, so two processes starting at once
 * cannot both create it.
 *
 * @throws TokenStoreError `BACKEND` when the table is in an older layout (telling the
 *   user to run `upgradeSqliteTable`), is not a token table, or is missing in a
 *   read-only database.
 */
export function ensureTable(db: Database, table: string, options: EnsureTableOptions): void {
  const check = (): TableState => {
    const state = inspectTable(db, table);
    if (state.kind === 'missing' && !options.readonly) {
      db.prepare(createTableSql(table)).run();
      for (const sql of createIndexSqls(table)) db.prepare(sql).run();
    }
    return state;
  };
  const state = options.readonly ? check() : db.transaction(check).immediate();

  if (state.kind === 'missing') {
    if (options.readonly) {
      throw new TokenStoreError(
        'BACKEND',
        `table ${quoteIdentifier(table)} does not exist in ${options.location}, and a read-only store cannot create it`,
      );
    }
    options.logger?.info?.(`created table ${quoteIdentifier(table)} in ${options.location}`);
    return;
  }
  if (state.kind === 'incompatible') {
    throw new TokenStoreError(
      'BACKEND',
      `table ${quoteIdentifier(table)} in ${options.location} is not a token table: it has no column ${state.missingColumns.join(', ')}. Choose another table name`,
    );
  }
  if (state.kind === 'outdated') {
    throw outdatedTableError(table, options.location, state.problems);
  }
}

/** Builds the error that names the upgrade step for a table in an older layout. */
export function outdatedTableError(
  table: string,
  location: string,
  problems: string[],
): TokenStoreError {
  const shown = problems.slice(0, 3).join('; ');
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  return new TokenStoreError(
    'BACKEND',
    `table ${quoteIdentifier(table)} in ${location} has an older layout, such as the one Zoho's SDKs create (${shown}${more}). ` +
      `The store does not use it as it is: run upgradeSqliteTable({ path, table: '${table}' }) once to convert it`,
  );
}

// Columns covered by a unique, non-partial index on that column alone whose collation
// is BINARY. A NOCASE or RTRIM index would reject a value that differs from a stored one
// only in case or trailing spaces, and the store would report a false CONFLICT.
function exactUniqueColumns(db: Database, table: string): Set<string> {
  const indexes = db
    .prepare('SELECT name FROM pragma_index_list(?) WHERE "unique" AND NOT partial')
    .all(table) as { name: string }[];
  const readKeys = db.prepare('SELECT name, coll FROM pragma_index_xinfo(?) WHERE key');

  const columns = new Set<string>();
  for (const index of indexes) {
    const keys = readKeys.all(index.name) as { name: string | null; coll: string }[];
    const [only] = keys;
    if (keys.length === 1 && only?.name != null && only.coll === 'BINARY') {
      columns.add(only.name);
    }
  }
  return columns;
}
