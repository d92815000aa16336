/**
 * Conversion of the rows of an older token table, such as the one Zoho's SDKs write,
 * into records of the store's layout, with a report of every record that cannot be
 * converted or would break a unique index. Reports count records and never show values.
 */
import {
  STRING_FIELDS,
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  createTokenId,
  type StoredToken,
  type TokenField,
} from '@tokenstore/core';

import { MAX_ID_BYTES, MAX_VALUE_BYTES } from './schema.js';

/** Records that hold the same value in a field that must be unique. */
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
  records: StoredToken[];
  /** Cells that held `''` or the text `'null'`, which become absent fields. */
  emptiedCells: number;
  /** Records without an id, which get a generated one. */
  generatedIds: number;
  /** Records whose expiry is not a whole number of epoch milliseconds. */
  invalidExpiries: number;
  /** Cells that cannot be read as text (bytes that are not UTF-8), by column. */
  unreadableCells: Map<string, number>;
  /** Cells longer than their new column can store, by column. */
  oversizedCells: Map<string, number>;
  duplicates: DuplicateReport[];
}

// Zoho's Python SDK writes the text 'null' for a missing value; others write ''.
const EMPTY_TEXTS: ReadonlySet<string> = new Set(['', 'null']);
const WHOLE_NUMBER = /^-?\d+$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Converts the rows read from an older table; the rows themselves are not changed. */
export function convertLegacyRows(rows: readonly Record<string, unknown>[]): ConvertedRows {
  const result: ConvertedRows = {
    records: [],
    emptiedCells: 0,
    generatedIds: 0,
    invalidExpiries: 0,
    unreadableCells: new Map(),
    oversizedCells: new Map(),
    duplicates: [],
  };

  for (const row of rows) {
    const record: Partial<Record<TokenField, string | number>> = {};
    for (const field of STRING_FIELDS) {
      const value = convertText(ZOHO_COLUMNS[field], row[ZOHO_COLUMNS[field]], result);
      if (value !== undefined) record[field] = value;
    }
    const expiry = convertExpiry(row[ZOHO_COLUMNS.expiresAt], result);
    if (expiry !== undefined) record.expiresAt = expiry;

    if (record.id === undefined) {
      record.id = createTokenId();
      result.generatedIds += 1;
    }
    result.records.push(record as StoredToken);
  }

  result.duplicates = findDuplicates(result.records);
  return result;
}

function convertText(column: string, cell: unknown, result: ConvertedRows): string | undefined {
  const value = readCell(cell);
  if (value === undefined) {
    count(result.unreadableCells, column);
    return undefined;
  }
  if (value === null) {
    return undefined;
  }
  if (EMPTY_TEXTS.has(value)) {
    result.emptiedCells += 1;
    return undefined;
  }
  const limit = column === ZOHO_COLUMNS.id ? MAX_ID_BYTES : MAX_VALUE_BYTES;
  if (Buffer.byteLength(value, 'utf8') > limit) {
    count(result.oversizedCells, column);
  }
  return value;
}

// Returns the cell as text, null for SQL NULL, or undefined when it cannot be read.
function readCell(cell: unknown): string | null | undefined {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'bigint') return String(cell);
  if (cell instanceof Uint8Array) {
    try {
      return UTF8.decode(cell);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

// The Zoho schema keeps the expiry as a varchar(20) of epoch milliseconds.
function convertExpiry(cell: unknown, result: ConvertedRows): number | undefined {
  const text = readCell(cell);
  if (text === null) {
    return undefined;
  }
  if (text !== undefined && EMPTY_TEXTS.has(text)) {
    result.emptiedCells += 1;
    return undefined;
  }
  const expiry = text !== undefined && WHOLE_NUMBER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(expiry)) {
    result.invalidExpiries += 1;
    return undefined;
  }
  return expiry;
}

function findDuplicates(records: readonly StoredToken[]): DuplicateReport[] {
  const reports: DuplicateReport[] = [];
  for (const field of ['id', ...UNIQUE_FIELDS] as const) {
    const counts = new Map<string, number>();
    for (const record of records) {
      const value = record[field];
      if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const repeated = [...counts.values()].filter((times) => times > 1);
    if (repeated.length > 0) {
      reports.push({
        field,
        column: ZOHO_COLUMNS[field],
        records: repeated.reduce((sum, times) => sum + times, 0),
        values: repeated.length,
      });
    }
  }
  return reports;
}

function count(counts: Map<string, number>, column: string): void {
  counts.set(column, (counts.get(column) ?? 0) + 1);
}
