/**
 * Conversion of one Zoho record (cells by Zoho column name, from a token file or a
 * table) into a token, and the checks that make a record malformed. Both readers use
 * this module, so a file and a table holding the same data give the same tokens.
 */
import {
  STRING_FIELDS,
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  carriesTokenValue,
  copyToken,
  isTokenStoreError,
  normalizeToken,
  type OAuthToken,
  type TokenField,
} from '@tokenstore/core';

import { describePosition, type RecordPosition, type ZohoRecord } from './records.js';

/** A cell as a reader gets it: text, bytes of text, a number, or SQL NULL. */
export type ZohoCell = string | Uint8Array | number | bigint | null | undefined;

/** A Zoho record: cells by Zoho column name (`user_name`, `refresh_token`, ...). */
export type ZohoCells = Readonly<Record<string, ZohoCell>>;

/** Column names for messages, where the source names a column unlike Zoho's schema. */
export type ColumnLabels = Partial<Record<TokenField, string>>;

// Zoho's Python SDK sample wrote the text 'null' for a missing value; the other SDKs
// write an empty cell.
const EMPTY_TEXTS: ReadonlySet<string> = new Set(['', 'null']);
const WHOLE_NUMBER = /^-?\d+$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Converts the cells of one record into a token, or into a malformed record with the
 * reason it cannot be imported. Empty cells and the text `null` are "no value". The
 * expiry must be a whole number of epoch milliseconds, and the token must pass the
 * core's validation and carry an access, refresh or grant token.
 */
export function convertZohoCells(
  cells: ZohoCells,
  position: RecordPosition,
  labels: ColumnLabels = {},
): ZohoRecord {
  const malformed = (reason: string): ZohoRecord => ({ kind: 'malformed', position, reason });
  const input: Record<string, string | number> = {};

  for (const field of STRING_FIELDS) {
    const text = readText(cells[ZOHO_COLUMNS[field]]);
    if (typeof text === 'object' && text !== null) {
      return malformed(`${labelOf(field, labels)} ${text.problem}`);
    }
    if (text !== null) input[field] = text;
  }

  const expiry = readText(cells[ZOHO_COLUMNS.expiresAt]);
  if (expiry !== null) {
    const expiresAt = typeof expiry === 'string' ? parseExpiry(expiry) : Number.NaN;
    if (!Number.isSafeInteger(expiresAt)) {
      return malformed(`${labelOf('expiresAt', labels)} is not a whole number of milliseconds`);
    }
    input.expiresAt = expiresAt;
  }

  let token: OAuthToken;
  try {
    token = normalizeToken(input);
  } catch (error) {
    // The core's messages name the field and never its value.
    if (isTokenStoreError(error)) return malformed(error.detail);
    throw error;
  }
  if (!carriesTokenValue(token)) {
    return malformed('holds no access, refresh or grant token');
  }
  return { kind: 'token', position, token: copyToken(token) };
}

/**
 * Returns the records, with each token that repeats the user name, access, refresh or
 * grant token of an earlier token turned into a malformed record naming the earlier
 * one. With `checkIds`, a repeated id counts too.
 */
export function markDuplicates(
  records: readonly ZohoRecord[],
  options: { labels?: ColumnLabels; checkIds?: boolean } = {},
): ZohoRecord[] {
  const fields: readonly TokenField[] = options.checkIds ? ['id', ...UNIQUE_FIELDS] : UNIQUE_FIELDS;
  const firstHolders = new Map<TokenField, Map<string, RecordPosition>>(
    fields.map((field) => [field, new Map()]),
  );

  return records.map((record) => {
    if (record.kind !== 'token') return record;

    for (const field of fields) {
      const value = record.token[field];
      const holder = typeof value === 'string' ? firstHolders.get(field)?.get(value) : undefined;
      if (holder !== undefined) {
        const reason = `holds the same ${labelOf(field, options.labels)} as ${describePosition(holder)}`;
        return { kind: 'malformed', position: record.position, reason };
      }
    }
    for (const field of fields) {
      const value = record.token[field];
      if (typeof value === 'string') firstHolders.get(field)?.set(value, record.position);
    }
    return record;
  });
}

// Returns the cell as text, null when it is empty, or the reason it cannot be read.
function readText(cell: ZohoCell): string | null | { problem: string } {
  let text: string;
  if (cell === null || cell === undefined) {
    return null;
  } else if (typeof cell === 'string') {
    text = cell;
  } else if (typeof cell === 'number' || typeof cell === 'bigint') {
    text = String(cell);
  } else if (cell instanceof Uint8Array) {
    try {
      text = UTF8.decode(cell);
    } catch {
      return { problem: 'is not valid UTF-8 text' };
    }
  } else {
    return { problem: 'holds a value that is neither text nor a number' };
  }
  return EMPTY_TEXTS.has(text) ? null : text;
}

// Zoho keeps the expiry as text of epoch milliseconds, such as "1767225600000".
function parseExpiry(text: string): number {
  return WHOLE_NUMBER.test(text) ? Number(text) : Number.NaN;
}

function labelOf(field: TokenField, labels: ColumnLabels = {}): string {
  return labels[field] ?? ZOHO_COLUMNS[field];
}
