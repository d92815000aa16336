/**
 * Conversion of the rows of an older token table, such as the one Zoho's SDKs and
 * samples write, into rows of the current layout, with a report of every record that
 * cannot be converted or would break a unique index.
 */
import { UNIQUE_FIELDS, ZOHO_COLUMNS, createTokenId, type TokenField } from '@tokenstore/core';

import type { TokenRow } from './rows.js';
import { COLUMNS } from './schema.js';

/** Records that hold the same value in a column that must be unique. Never the values. */
export interface DuplicateReport {
  field: TokenField;
  column: string;
  /** Number of records whose value in this column another record also has. */
  records: number;
  /** How many distinct values are held more than once. */
  values: number;
}

/** The outcome of converting every row of a table. */
export interface ConvertedRows {
  rows: TokenRow[];
  /** Cells that held `''` or the text `'null'`, which become NULL. */
  emptiedCells: number;
  /** Records without an id, which get a generated one. */
  generatedIds: number;
  /** Records whose expiry is not a whole number of epoch milliseconds. */
  invalidExpiries: number;
  /** Number of blobs found in text columns, by column. */
  blobCells: Map<string, number>;
  duplicates: DuplicateReport[];
}

const EXPIRY_COLUMN = ZOHO_COLUMNS.expiresAt;
const ID_COLUMN = ZOHO_COLUMNS.id;
const WHOLE_NUMBER = /^-?\d+$/;

// Zoho's Python sample writes the text 'null' for a missing value, others write ''.
const EMPTY_TEXTS: ReadonlySet<string> = new Set(['', 'null']);

/** Converts the rows read from an older table; the rows are not changed. */
export function convertLegacyRows(rows: readonly Record<string, unknown>[]): ConvertedRows {
  const result: ConvertedRows = {
    rows: [],
    emptiedCells: 0,
    generatedIds: 0,
    invalidExpiries: 0,
    blobCells: new Map(),
    duplicates: [],
  };

  for (const row of rows) {
    const converted: TokenRow = {};
    for (const column of COLUMNS) {
      converted[column] = convertCell(column, row[column], result);
    }
    if (converted[ID_COLUMN] === null) {
      converted[ID_COLUMN] = createTokenId();
      result.generatedIds += 1;
    }
    result.rows.push(converted);
  }

  result.duplicates = findDuplicates(result.rows);
  return result;
}

function convertCell(
  column: string,
  value: unknown,
  result: ConvertedRows,
): string | number | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string' && EMPTY_TEXTS.has(value)) {
    result.emptiedCells += 1;
    return null;
  }
  if (column === EXPIRY_COLUMN) {
    return convertExpiry(value, result);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value !== 'string') {
    result.blobCells.set(column, (result.blobCells.get(column) ?? 0) + 1);
    return null;
  }
  return value;
}

// The Zoho schema keeps the expiry as varchar(20) holding epoch milliseconds.
function convertExpiry(value: unknown, result: ConvertedRows): number | null {
  let expiry = Number.NaN;
  if (typeof value === 'number') {
    expiry = value;
  } else if (typeof value === 'string' && WHOLE_NUMBER.test(value)) {
    expiry = Number(value);
  }
  if (!Number.isSafeInteger(expiry)) {
    result.invalidExpiries += 1;
    return null;
  }
  return expiry;
}

function findDuplicates(rows: readonly TokenRow[]): DuplicateReport[] {
  const reports: DuplicateReport[] = [];
  for (const field of ['id', ...UNIQUE_FIELDS] as const) {
    const column = ZOHO_COLUMNS[field];
    const counts = new Map<string | number, number>();
    for (const row of rows) {
      const value = row[column];
      if (value !== null && value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const repeated = [...counts.values()].filter((count) => count > 1);
    if (repeated.length > 0) {
      reports.push({
        field,
        column,
        records: repeated.reduce((sum, count) => sum + count, 0),
        values: repeated.length,
      });
    }
  }
  return reports;
}
