/**
 * The records that the readers of Zoho token files and tables return: a token read
 * from one line or row, or the reason that line or row cannot be imported.
 */
import type { OAuthToken } from '@tokenstore/core';

/** The position of a record in a token file: the 1-based line it starts on. */
export interface FilePosition {
  line: number;
}

/** The position of a record in a token table: its 1-based row in read order, and Zoho's id. */
export interface TablePosition {
  row: number;
  /** The row's `id` cell as text, absent when the cell is empty. */
  id?: string;
}

/** The position of a record in its source. */
export type RecordPosition = FilePosition | TablePosition;

/** A record with a token that the import can save. */
export interface TokenRecord {
  kind: 'token';
  position: RecordPosition;
  /** The token, with Zoho's id in `id` when the source has one. */
  token: OAuthToken;
}

/**
 * A record that cannot be imported. The reason names columns and other positions,
 * never a value of the record.
 */
export interface MalformedRecord {
  kind: 'malformed';
  position: RecordPosition;
  reason: string;
}

/** One record of a Zoho token file or table, in source order. */
export type ZohoRecord = TokenRecord | MalformedRecord;

// Ids are Zoho's numbers and not secret, but a hand-edited table may hold anything.
const MAX_SHOWN_ID_LENGTH = 40;

/** Describes a position for messages: `line 4`, `row 3 (id 7)` or `row 3 (no id)`. */
export function describePosition(position: RecordPosition): string {
  if ('line' in position) {
    return `line ${position.line}`;
  }
  if (position.id === undefined) {
    return `row ${position.row} (no id)`;
  }
  return `row ${position.row} (id ${formatId(position.id)})`;
}

/**
 * Describes the position of a record with its Zoho id: `line 4 (id 7)`, or the same
 * text as `describePosition` for a table row, which names its id already.
 */
export function describePositionWithId(position: RecordPosition, id: string): string {
  return 'line' in position
    ? `line ${position.line} (id ${formatId(id)})`
    : describePosition(position);
}

/**
 * Formats a record id for messages: at most 40 characters, with quotes and control
 * characters escaped as in JSON.
 */
export function formatId(id: string): string {
  const shown = id.length > MAX_SHOWN_ID_LENGTH ? `${id.slice(0, MAX_SHOWN_ID_LENGTH)}...` : id;
  return JSON.stringify(shown).slice(1, -1);
}
