/**
 * The token table: its columns, the statement that creates it, and the catalog checks
 * (through information_schema) that tell a usable table from a missing one or one in an
 * older layout, such as the table Zoho's SDKs create.
 */
import {
  TOKEN_FIELDS,
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  type TokenField,
  type UniqueField,
} from '@tokenstore/core';

import type { Session } from './session.js';

/** The data columns, in the order of the Zoho schema. */
export const COLUMNS = TOKEN_FIELDS.map((field) => ZOHO_COLUMNS[field]);

/** The hash column of each unique field: the SHA-256 of its value, with a unique index. */
export const HASH_COLUMNS: Readonly<Record<UniqueField, string>> = {
  userName: `${ZOHO_COLUMNS.userName}_hash`,
  accessToken: `${ZOHO_COLUMNS.accessToken}_hash`,
  refreshToken: `${ZOHO_COLUMNS.refreshToken}_hash`,
  grantToken: `${ZOHO_COLUMNS.grantToken}_hash`,
};

/** The unique field of each hash column (which is also the name of its unique index). */
export const FIELD_OF_HASH_COLUMN: ReadonlyMap<string, UniqueField> = new Map(
  UNIQUE_FIELDS.map((field) => [HASH_COLUMNS[field], field]),
);

/** The maximum length of an id, in UTF-8 bytes: the size of the id column. */
export const MAX_ID_BYTES = 255;
/** The maximum length of any other value, in bytes: the size of a MEDIUMBLOB. */
export const MAX_VALUE_BYTES = 16_777_215;

/** The length in bytes of a SHA-256 digest. */
export const HASH_BYTES = 32;

interface ColumnType {
  /** information_schema's DATA_TYPE. */
  dataType: string;
  /** CHARACTER_MAXIMUM_LENGTH, for types that have one. */
  length?: number;
  /** The type as CREATE TABLE declares it. */
  declaration: string;
}

const ID_TYPE: ColumnType = {
  dataType: 'varbinary',
  length: MAX_ID_BYTES,
  declaration: `VARBINARY(${MAX_ID_BYTES})`,
};
const VALUE_TYPE: ColumnType = { dataType: 'mediumblob', declaration: 'MEDIUMBLOB' };
const EXPIRY_TYPE: ColumnType = { dataType: 'bigint', declaration: 'BIGINT' };
const HASH_TYPE: ColumnType = {
  dataType: 'binary',
  length: HASH_BYTES,
  declaration: `BINARY(${HASH_BYTES})`,
};

/** The type of every column the store needs, data columns first. */
const COLUMN_TYPES: ReadonlyMap<string, ColumnType> = new Map([
  ...TOKEN_FIELDS.map((field): [string, ColumnType] => [
    ZOHO_COLUMNS[field],
    dataColumnType(field),
  ]),
  ...UNIQUE_FIELDS.map((field): [string, ColumnType] => [HASH_COLUMNS[field], HASH_TYPE]),
]);

function dataColumnType(field: TokenField): ColumnType {
  if (field === 'id') return ID_TYPE;
  return field === 'expiresAt' ? EXPIRY_TYPE : VALUE_TYPE;
}

const ID_COLUMN = ZOHO_COLUMNS.id;

/** The state of a table, read from the schema catalog. */
export type TableState =
  | { kind: 'missing' }
  | { kind: 'current' }
  /** The Zoho columns are there, but with other types, or without hash columns or indexes. */
  | { kind: 'outdated'; problems: string[] }
  /** Not a token table: a view, or Zoho columns are missing. */
  | { kind: 'incompatible'; problem: string };

/** Returns a table or index name as a quoted SQL identifier. The name must be validated. */
export function quoteIdentifier(name: string): string {
  return `\`${name}\``;
}

/**
 * Returns the statement that creates the table in the store's layout. Every string
 * column is binary, so values are stored and compared byte for byte whatever the
 * connection's charset, and trailing spaces count. Each unique field also has a
 * BINARY(32) hash column with a unique index, which the store writes itself. So a value
 * of any length is unique and can be found through its hash. InnoDB gives the row locks
 * that the upsert relies on.
 */
export function createTableSql(table: string, options: { ifNotExists: boolean }): string {
  const columns = [...COLUMN_TYPES].map(([column, type]) =>
    column === ID_COLUMN
      ? `${column} ${type.declaration} NOT NULL`
      : `${column} ${type.declaration} NULL`,
  );
  const keys = [
    `PRIMARY KEY (${ID_COLUMN})`,
    ...Object.values(HASH_COLUMNS).map(
      (column) => `UNIQUE KEY ${quoteIdentifier(column)} (${column})`,
    ),
  ];
  const create = options.ifNotExists ? 'CREATE TABLE IF NOT EXISTS' : 'CREATE TABLE';
  return `${create} ${quoteIdentifier(table)} (${[...columns, ...keys].join(', ')}) ENGINE=InnoDB`;
}

interface CatalogColumn {
  name: string;
  dataType: string;
  columnType: string;
  length: number | null;
}

interface CatalogIndexPart {
  indexName: string;
  unique: boolean;
  column: string;
  prefixLength: number | null;
}

/**
 * Reads the table's columns and indexes from information_schema, in the connection's
 * current database, and returns its state.
 */
export async function inspectTable(session: Session, table: string): Promise<TableState> {
  const tables = await session.query<Record<string, unknown>[]>(
    'SELECT TABLE_TYPE AS tableType, ENGINE AS engine FROM information_schema.TABLES ' +
      'WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  const [found] = tables;
  if (found === undefined) {
    return { kind: 'missing' };
  }
  if (text(found.tableType) !== 'BASE TABLE') {
    return { kind: 'incompatible', problem: `it is a ${text(found.tableType).toLowerCase()}` };
  }

  const columns = await readColumns(session, table);
  const missingZohoColumns = COLUMNS.filter((column) => !columns.has(column));
  if (missingZohoColumns.length > 0) {
    return {
      kind: 'incompatible',
      problem: `it has no column ${missingZohoColumns.join(', ')}`,
    };
  }

  const problems = describeColumnProblems(columns);
  const engine = text(found.engine);
  if (engine.toLowerCase() !== 'innodb') {
    problems.push(`its engine is ${engine || 'unknown'}, not InnoDB`);
  }
  problems.push(...describeIndexProblems(await readIndexParts(session, table)));
  return problems.length === 0 ? { kind: 'current' } : { kind: 'outdated', problems };
}

/** Returns the name of the connection's current database, or `undefined` when none is selected. */
export async function currentDatabase(session: Session): Promise<string | undefined> {
  const [row] = await session.query<Record<string, unknown>[]>('SELECT DATABASE() AS name');
  const name = row?.name;
  return name === null || name === undefined ? undefined : text(name);
}

async function readColumns(session: Session, table: string): Promise<Map<string, CatalogColumn>> {
  const rows = await session.query<Record<string, unknown>[]>(
    'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, ' +
      'CHARACTER_MAXIMUM_LENGTH AS length FROM information_schema.COLUMNS ' +
      'WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  const columns = new Map<string, CatalogColumn>();
  for (const row of rows) {
    const name = text(row.name).toLowerCase();
    columns.set(name, {
      name,
      dataType: text(row.dataType).toLowerCase(),
      columnType: text(row.columnType).toLowerCase(),
      length: row.length === null || row.length === undefined ? null : Number(row.length),
    });
  }
  return columns;
}

async function readIndexParts(session: Session, table: string): Promise<CatalogIndexPart[]> {
  const rows = await session.query<Record<string, unknown>[]>(
    'SELECT INDEX_NAME AS indexName, NON_UNIQUE AS nonUnique, COLUMN_NAME AS columnName, ' +
      'SUB_PART AS subPart FROM information_schema.STATISTICS ' +
      'WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [table],
  );
  return rows.map((row) => ({
    indexName: text(row.indexName),
    unique: Number(row.nonUnique) === 0,
    column: text(row.columnName).toLowerCase(),
    prefixLength: row.subPart === null || row.subPart === undefined ? null : Number(row.subPart),
  }));
}

function describeColumnProblems(columns: ReadonlyMap<string, CatalogColumn>): string[] {
  const problems: string[] = [];
  for (const [name, expected] of COLUMN_TYPES) {
    const found = columns.get(name);
    if (found === undefined) {
      problems.push(`no column ${name}`);
      continue;
    }
    const lengthDiffers = expected.length !== undefined && found.length !== expected.length;
    if (found.dataType !== expected.dataType || lengthDiffers) {
      problems.push(`column ${name} is ${found.columnType}, not ${expected.declaration}`);
    }
  }
  return problems;
}

// Each hash column needs a unique index on that whole column alone, and the id must be
// the whole primary key: a composite or prefix index would let two records share a value.
function describeIndexProblems(parts: readonly CatalogIndexPart[]): string[] {
  const byIndex = new Map<string, CatalogIndexPart[]>();
  for (const part of parts) {
    byIndex.set(part.indexName, [...(byIndex.get(part.indexName) ?? []), part]);
  }
  const uniqueColumns = new Set<string>();
  for (const [indexName, indexParts] of byIndex) {
    const [only] = indexParts;
    if (
      indexParts.length === 1 &&
      only !== undefined &&
      only.unique &&
      only.prefixLength === null
    ) {
      uniqueColumns.add(indexName === 'PRIMARY' ? `PRIMARY:${only.column}` : only.column);
    }
  }

  const problems: string[] = [];
  if (!uniqueColumns.has(`PRIMARY:${ID_COLUMN}`)) {
    problems.push(`the primary key is not the ${ID_COLUMN} column alone`);
  }
  for (const column of Object.values(HASH_COLUMNS)) {
    if (!uniqueColumns.has(column)) {
      problems.push(`no unique index on ${column}`);
    }
  }
  return problems;
}

// information_schema columns arrive as strings, or as Buffers on some server versions.
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}
