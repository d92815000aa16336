/** The mapping between table rows (Zoho's snake_case columns) and token records. */
import {
  TOKEN_FIELDS,
  ZOHO_COLUMNS,
  TokenStoreError,
  type StoredToken,
  type TokenField,
} from '@tokenstore/core';

/** A row as the store binds it: one value or NULL per column, by column name. */
export type TokenRow = Record<string, string | number | null>;

/** Returns the row that stores `record`; a field without a value becomes NULL. */
export function tokenToRow(record: StoredToken): TokenRow {
  const row: TokenRow = {};
  for (const field of TOKEN_FIELDS) {
    row[ZOHO_COLUMNS[field]] = record[field] ?? null;
  }
  return row;
}

/**
 * Returns the record a row stores. NULL and `''` become an absent field, so a row
 * written by another program reads the same way as one this store wrote.
 *
 * @throws TokenStoreError `CORRUPT` when a cell contains a value of the wrong type, such
 *   as an expiry that is not a safe integer, or a row without an id.
 */
export function rowToToken(row: Record<string, unknown>): StoredToken {
  const record: Partial<Record<TokenField, string | number>> = {};
  for (const field of TOKEN_FIELDS) {
    const column = ZOHO_COLUMNS[field];
    const value = row[column];
    if (value === null || value === undefined || value === '') {
      continue;
    }
    const isExpiry = field === 'expiresAt';
    if (isExpiry ? !Number.isSafeInteger(value) : typeof value !== 'string') {
      const expected = isExpiry ? 'a safe integer' : 'text';
      throw corrupt(
        `invalid value in column ${column}: expected ${expected}, found ${describeCell(value)}`,
      );
    }
    record[field] = value as string | number;
  }
  if (record.id === undefined) {
    throw corrupt('a row has no id');
  }
  return record as StoredToken;
}

function describeCell(value: unknown): string {
  return value instanceof Uint8Array ? 'a blob' : `a ${typeof value}`;
}

function corrupt(detail: string): TokenStoreError {
  return new TokenStoreError('CORRUPT', `unreadable row: ${detail}`);
}
