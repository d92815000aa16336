/**
 * The mapping between token records and the hashes that store them: one hash field per
 * field with a value, under the Zoho column names, plus the record's revision.
 */
import {
  TOKEN_FIELDS,
  TokenStoreError,
  ZOHO_COLUMNS,
  type StoredToken,
  type TokenField,
} from '@tokenstore/core';

import { REVISION_FIELD } from './keys.js';

/** A record as read from Redis, with the revision it was read at. */
export interface StoredRecord {
  record: StoredToken;
  /** The hash's `revision` field, or `''` for a hash written without one. */
  revision: string;
}

/** Returns the hash fields of a record as column/value pairs; fields without a value are left out. */
export function recordToHashFields(record: StoredToken): string[] {
  const fields: string[] = [];
  for (const field of TOKEN_FIELDS) {
    const value = record[field];
    if (value !== undefined) {
      fields.push(ZOHO_COLUMNS[field], String(value));
    }
  }
  return fields;
}

const FIELD_BY_COLUMN: ReadonlyMap<string, TokenField> = new Map(
  TOKEN_FIELDS.map((field) => [ZOHO_COLUMNS[field], field]),
);

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const DECIMAL_INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * Returns the record a hash stores, from the flat name/value list of HGETALL, or `null`
 * for an empty list (no such key). `''` reads as an absent field, as for rows written
 * by another program; fields of other names are ignored.
 *
 * @throws TokenStoreError `CORRUPT` when a value is not UTF-8, the expiry is not a safe
 *   integer, or the hash has no id.
 */
export function hashToRecord(flat: readonly Buffer[]): StoredRecord | null {
  if (flat.length === 0) {
    return null;
  }
  const record: Partial<Record<TokenField, string | number>> = {};
  let revision = '';
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const column = decode(flat[i]!, 'a field name');
    const value = decode(flat[i + 1]!, `field ${column}`);
    if (column === REVISION_FIELD) {
      revision = value;
      continue;
    }
    const field = FIELD_BY_COLUMN.get(column);
    if (field === undefined || value === '') {
      continue;
    }
    record[field] = field === 'expiresAt' ? parseExpiry(value) : value;
  }
  if (record.id === undefined) {
    throw corrupt('a record hash has no id');
  }
  return { record: record as StoredToken, revision };
}

function parseExpiry(value: string): number {
  const expiry = Number(value);
  if (!DECIMAL_INTEGER.test(value) || !Number.isSafeInteger(expiry)) {
    throw corrupt(`field ${ZOHO_COLUMNS.expiresAt} is not an integer number of milliseconds`);
  }
  return expiry;
}

function decode(bytes: Buffer, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw corrupt(`${what} is not valid UTF-8`, error);
  }
}

function corrupt(detail: string, cause?: unknown): TokenStoreError {
  return new TokenStoreError('CORRUPT', `unreadable record: ${detail}`, { cause });
}
