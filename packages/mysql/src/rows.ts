/**
 * The mapping between token records and table rows. Every string travels as UTF-8
 * bytes (a Buffer), both ways, so that no connection charset can change a value. Each
 * unique field also gets its SHA-256, computed here and never in SQL.
 */
import { createHash } from 'node:crypto';

import {
  STRING_FIELDS,
  TOKEN_FIELDS,
  TokenStoreError,
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  type LookupKey,
  type StoredToken,
  type TokenField,
  type UniqueField,
} from '@tokenstore/core';

import { MAX_ID_BYTES, MAX_VALUE_BYTES } from './schema.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Returns the SHA-256 of a value's UTF-8 bytes: the content of its hash column. */
export function hashValue(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Returns the values bound to a lookup statement: the id, or a unique field's hash and
 * value (the value is compared too, so that matching never rests on the hash alone).
 */
export function lookupValues(key: LookupKey): Buffer[] {
  const bytes = Buffer.from(key.value, 'utf8');
  return key.field === 'id' ? [bytes] : [hashValue(key.value), bytes];
}

/**
 * Returns the values bound to the insert statement, in its column order: the data
 * columns in the order of the Zoho schema, then the hash of each unique field.
 */
export function insertValues(record: StoredToken): (Buffer | number | null)[] {
  const data = TOKEN_FIELDS.map((field) => cellOf(record, field));
  const hashes = UNIQUE_FIELDS.map((field) => hashOf(record, field));
  return [...data, ...hashes];
}

/**
 * Returns the values bound to the update statement: every column but the id, in the
 * insert order, then the id for its WHERE clause.
 */
export function updateValues(record: StoredToken): (Buffer | number | null)[] {
  const [id, ...rest] = insertValues(record);
  return [...rest, id ?? null];
}

/**
 * Checks that every value fits its column: the id at most 255 bytes, any other string at
 * most 16,777,215 bytes (a MEDIUMBLOB). A server in a non-strict SQL mode would cut a
 * longer value without an error, so the store rejects it before writing.
 *
 * @throws TokenStoreError `INVALID_TOKEN` naming the field.
 */
export function checkValueSizes(record: StoredToken): void {
  for (const field of STRING_FIELDS) {
    const value = record[field];
    if (value === undefined) continue;
    const limit = field === 'id' ? MAX_ID_BYTES : MAX_VALUE_BYTES;
    if (Buffer.byteLength(value, 'utf8') > limit) {
      throw new TokenStoreError(
        'INVALID_TOKEN',
        `${field} is longer than the ${limit} bytes its column holds`,
      );
    }
  }
}

/**
 * Returns the record a row stores. NULL and empty cells become absent fields.
 *
 * @throws TokenStoreError `CORRUPT` when a cell cannot be read: bytes that are not
 *   UTF-8, an expiry that is not a safe integer, or a row without an id.
 */
export function rowToToken(row: Record<string, unknown>): StoredToken {
  const record: Partial<Record<TokenField, string | number>> = {};
  for (const field of TOKEN_FIELDS) {
    const column = ZOHO_COLUMNS[field];
    const cell = row[column];
    if (cell === null || cell === undefined) {
      continue;
    }
    const value = field === 'expiresAt' ? readExpiry(cell) : readText(column, cell);
    if (value !== '') {
      record[field] = value;
    }
  }
  if (record.id === undefined) {
    throw corrupt('a row has no id');
  }
  return record as StoredToken;
}

function cellOf(record: StoredToken, field: TokenField): Buffer | number | null {
  const value = record[field];
  if (value === undefined) return null;
  return typeof value === 'number' ? value : Buffer.from(value, 'utf8');
}

function hashOf(record: StoredToken, field: UniqueField): Buffer | null {
  const value = record[field];
  return value === undefined ? null : hashValue(value);
}

function readText(column: string, cell: unknown): string {
  if (typeof cell === 'string') {
    return cell;
  }
  if (!(cell instanceof Uint8Array)) {
    throw corrupt(`column ${column} contains ${describeCell(cell)}, expected bytes`);
  }
  try {
    return UTF8.decode(cell);
  } catch {
    throw corrupt(`column ${column} contains invalid UTF-8`);
  }
}

// BIGINT arrives as a number, or as a string or bigint when it is beyond 2^53 or the
// pool was configured to return big numbers as strings.
function readExpiry(cell: unknown): number {
  let expiry = Number.NaN;
  if (typeof cell === 'number') {
    expiry = cell;
  } else if (typeof cell === 'bigint') {
    expiry = Number(cell);
  } else if (typeof cell === 'string' && /^-?\d+$/.test(cell)) {
    expiry = Number(cell);
  }
  if (!Number.isSafeInteger(expiry)) {
    throw corrupt(`column ${ZOHO_COLUMNS.expiresAt} contains a value that is not a safe integer`);
  }
  return expiry;
}

function describeCell(value: unknown): string {
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function corrupt(detail: string): TokenStoreError {
  return new TokenStoreError('CORRUPT', `unreadable row: ${detail}`);
}
