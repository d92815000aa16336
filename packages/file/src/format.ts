/**
 * The store file's format: JSON Lines. The first line is a header that names the
 * format and its version. Every further line is one record, keyed by the Zoho column
 * names (`user_name`, `expiry_time`, ...). Parsing checks everything a record must be,
 * so that a damaged or foreign file is reported, never served or overwritten.
 */
import {
  STRING_FIELDS,
  TOKEN_FIELDS,
  TokenStoreError,
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  describeType,
  type StoredToken,
  type TokenField,
} from '@tokenstore/core';

/** The value of the header's `format` field. */
export const FILE_FORMAT = 'tokenstore-file';

/** The format version this package writes and reads. */
export const FILE_FORMAT_VERSION = 1;

const HEADER_LINE = JSON.stringify({ format: FILE_FORMAT, version: FILE_FORMAT_VERSION });

const FIELD_BY_COLUMN: ReadonlyMap<string, TokenField> = new Map(
  TOKEN_FIELDS.map((field) => [ZOHO_COLUMNS[field], field]),
);
const STRING_FIELD_SET: ReadonlySet<TokenField> = new Set(STRING_FIELDS);

// A column name that is safe and useful to show in a message. Any other key of a
// damaged record is described without its text, because it could be a token.
const PRINTABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/** Serializes records to the file's text: the header line, then one line per record. */
export function serializeRecords(records: Iterable<StoredToken>): string {
  const lines = [HEADER_LINE];
  for (const record of records) {
    lines.push(serializeRecord(record));
  }
  return `${lines.join('\n')}\n`;
}

/** Serializes one record to its line (without the newline), with Zoho column names. */
export function serializeRecord(record: StoredToken): string {
  const row: Record<string, string | number> = {};
  for (const field of TOKEN_FIELDS) {
    const value = record[field];
    if (value !== undefined) {
      row[ZOHO_COLUMNS[field]] = value;
    }
  }
  return JSON.stringify(row);
}

/**
 * Parses the file's bytes into records, in file order.
 *
 * Blank lines are skipped. An empty file is rejected: a file this package wrote always
 * starts with the header, so an empty one was truncated or made by another program.
 *
 * @param filePath shown in error messages.
 * @throws TokenStoreError `CORRUPT`, naming the file and the line, but never a value.
 */
export function parseRecords(bytes: Uint8Array, filePath: string): StoredToken[] {
  if (bytes.length === 0) {
    throw corrupt(
      filePath,
      'the file is empty (0 bytes), but a token file always starts with a header line, ' +
        'so it was truncated or created by another program',
    );
  }

  const lines = decodeLines(bytes, filePath);
  checkHeader(lines[0] ?? '', filePath);

  const records: StoredToken[] = [];
  const uniqueness = new UniquenessCheck(filePath);
  lines.forEach((line, index) => {
    if (index === 0 || line.trim() === '') {
      return;
    }
    const lineNumber = index + 1;
    const record = parseRecordLine(line, filePath, lineNumber);
    uniqueness.add(record, lineNumber);
    records.push(record);
  });
  return records;
}

// Decodes line by line, so that bytes that are not UTF-8 are reported with their line
// instead of being replaced with U+FFFD and served as a changed token.
function decodeLines(bytes: Uint8Array, filePath: string): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lines: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    try {
      lines.push(decoder.decode(bytes.subarray(start, end)));
    } catch {
      throw corrupt(filePath, `line ${lines.length + 1} is not valid UTF-8`);
    }
    start = end + 1;
  }
  return lines;
}

function checkHeader(line: string, filePath: string): void {
  const header = parseJsonLine(line);
  const isHeader =
    isPlainObject(header) && header.format === FILE_FORMAT && Number.isSafeInteger(header.version);
  if (!isHeader) {
    throw corrupt(
      filePath,
      `line 1 is not the header ${HEADER_LINE}, so this is not a tokenstore token file`,
    );
  }
  if (header.version !== FILE_FORMAT_VERSION) {
    throw corrupt(
      filePath,
      `line 1: format version ${String(header.version)} is not supported; ` +
        `this version of @tokenstore/file reads version ${FILE_FORMAT_VERSION}`,
    );
  }
}

function parseRecordLine(line: string, filePath: string, lineNumber: number): StoredToken {
  const row = parseJsonLine(line);
  if (row === undefined) {
    // The SyntaxError is not kept as the cause: V8 quotes part of the line in it.
    throw corrupt(filePath, `line ${lineNumber} is not valid JSON`);
  }
  if (!isPlainObject(row)) {
    throw corrupt(filePath, `line ${lineNumber} is ${describeType(row)}, not a record object`);
  }

  const record: Record<string, string | number> = {};
  for (const [column, value] of Object.entries(row)) {
    const field = FIELD_BY_COLUMN.get(column);
    if (field === undefined) {
      throw corrupt(filePath, `line ${lineNumber} has an unknown field ${describeKey(column)}`);
    }
    record[field] = checkValue(field, value, filePath, lineNumber);
  }
  if (record.id === undefined) {
    throw corrupt(filePath, `line ${lineNumber} has no id`);
  }
  return record as unknown as StoredToken;
}

function checkValue(
  field: TokenField,
  value: unknown,
  filePath: string,
  lineNumber: number,
): string | number {
  const column = ZOHO_COLUMNS[field];
  if (STRING_FIELD_SET.has(field)) {
    if (typeof value !== 'string' || value === '') {
      throw corrupt(
        filePath,
        `line ${lineNumber}: ${column} must be a non-empty string, got ${describeStringValue(value)}`,
      );
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw corrupt(
      filePath,
      `line ${lineNumber}: ${column} must be an integer of epoch milliseconds, ` +
        `got ${describeType(value)}`,
    );
  }
  return value;
}

/** Finds two records that share an id, a user name or a token value. */
class UniquenessCheck {
  readonly #filePath: string;
  readonly #lineById = new Map<string, number>();
  readonly #lineByValue = new Map<string, Map<string, number>>(
    UNIQUE_FIELDS.map((field) => [field, new Map()]),
  );

  constructor(filePath: string) {
    this.#filePath = filePath;
  }

  add(record: StoredToken, lineNumber: number): void {
    this.#claim(this.#lineById, 'id', record.id, lineNumber);
    for (const field of UNIQUE_FIELDS) {
      const value = record[field];
      const lines = this.#lineByValue.get(field);
      if (value !== undefined && lines !== undefined) {
        this.#claim(lines, ZOHO_COLUMNS[field], value, lineNumber);
      }
    }
  }

  #claim(lines: Map<string, number>, column: string, value: string, lineNumber: number): void {
    const firstLine = lines.get(value);
    if (firstLine !== undefined) {
      throw corrupt(
        this.#filePath,
        `line ${lineNumber} has the same ${column} as line ${firstLine}, but it must be unique`,
      );
    }
    lines.set(value, lineNumber);
  }
}

function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeKey(key: string): string {
  return PRINTABLE_KEY.test(key) ? JSON.stringify(key) : '(name not shown)';
}

function describeStringValue(value: unknown): string {
  return value === '' ? 'an empty string' : describeType(value);
}

function corrupt(filePath: string, problem: string): TokenStoreError {
  return new TokenStoreError(
    'CORRUPT',
    `the token file ${filePath} cannot be read: ${problem}. ` +
      'It is left unchanged: fix or move it, then retry',
  );
}
