/**
 * The reader of Zoho token files, the CSV files that the Zoho CRM SDKs' FileStore
 * writes: a header line, then one line per token.
 */
import { readFile } from 'node:fs/promises';

import { TOKEN_FIELDS, TokenStoreError, ZOHO_COLUMNS } from '@tokenstore/core';

import { convertZohoCells, markDuplicates, type ColumnLabels, type ZohoCell } from './convert.js';
import { parseCsv, type CsvRecord } from './csv.js';
import type { ZohoRecord } from './records.js';

/**
 * The columns of a token file are the Zoho schema's, in its order (`TOKEN_FIELDS`). The
 * Python SDK names the second column `user_name`, the TypeScript and Node SDKs
 * `user_mail`. Files written before the SDKs kept the API domain have nine columns,
 * without `api_domain`.
 */
const FILE_FIELDS = TOKEN_FIELDS;

const USER_NAME_HEADERS: readonly string[] = ['user_name', 'user_mail'];
const COLUMN_COUNTS: readonly number[] = [9, 10];
const HEADER_DECODER = new TextDecoder('utf-8');

/**
 * Reads a Zoho token file and returns every record in file order: a token, or a
 * malformed record with the line it starts on and the reason.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` when the file cannot be read or its header
 *   is not the header of a Zoho token file.
 */
export async function readZohoTokenFile(path: string): Promise<ZohoRecord[]> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new TokenStoreError('INVALID_OPTIONS', `the token file ${path} ${reason}`, {
      operation: 'readZohoTokenFile',
      cause: error,
    });
  }
  return parseTokenFile(content, { operation: 'readZohoTokenFile', source: `${path} is` });
}

/**
 * Reads the content of a Zoho token file (text, or bytes of UTF-8 text) and returns
 * every record in file order, as `readZohoTokenFile` does.
 *
 * A record is malformed when its number of fields differs from the header's (a value
 * with a comma that the TypeScript SDK wrote without quotes), a quote is never closed,
 * a value is not UTF-8, the expiry is not a whole number, the core rejects the token,
 * the record has no access, refresh or grant token, or it repeats the user name,
 * access, refresh or grant token of an earlier record.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` when `content` is neither a string nor a
 *   `Uint8Array` (such as a `Buffer`), or the header is not the header of a Zoho token file.
 */
export function parseZohoTokenFile(content: string | Uint8Array): ZohoRecord[] {
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
    throw new TokenStoreError(
      'INVALID_OPTIONS',
      'expected the content of a token file as a string or bytes',
      { operation: 'parseZohoTokenFile' },
    );
  }
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return parseTokenFile(bytes, { operation: 'parseZohoTokenFile', source: 'the content is' });
}

/** The names that messages about the header use: the function and the file. */
interface HeaderContext {
  operation: string;
  /** The subject of the message, such as `tokens.csv is`. */
  source: string;
}

function parseTokenFile(bytes: Uint8Array, context: HeaderContext): ZohoRecord[] {
  const [header, ...lines] = parseCsv(bytes);
  if (header === undefined) {
    throw invalidFile(context, 'it has no header line');
  }
  if (header.kind === 'problem') {
    throw invalidFile(context, `its header on line ${header.line} ${header.reason}`);
  }
  const labels = checkHeader(header, context);
  const columnCount = header.fields.length;

  const records = lines.map((line): ZohoRecord => {
    if (line.kind === 'problem') {
      return { kind: 'malformed', position: { line: line.line }, reason: line.reason };
    }
    if (line.fields.length !== columnCount) {
      const reason = `has ${line.fields.length} fields, the header has ${columnCount}`;
      return { kind: 'malformed', position: { line: line.line }, reason };
    }
    return convertZohoCells(cellsOf(line), { line: line.line }, labels);
  });
  return markDuplicates(records, { labels });
}

// Checks every column name and returns the labels for messages: the user name column
// keeps the name the file gives it.
function checkHeader(header: CsvRecord, context: HeaderContext): ColumnLabels {
  const names = header.fields.map((field) => HEADER_DECODER.decode(field));
  if (!COLUMN_COUNTS.includes(names.length)) {
    throw invalidFile(
      context,
      `its header has ${names.length} ${names.length === 1 ? 'column' : 'columns'}, where a Zoho token file has 9 or 10`,
    );
  }
  const userNameHeader = names[1] ?? '';
  if (!USER_NAME_HEADERS.includes(userNameHeader)) {
    throw invalidFile(context, 'column 2 of its header is not user_name or user_mail');
  }
  names.forEach((name, index) => {
    const field = FILE_FIELDS[index]!;
    if (field !== 'userName' && name !== ZOHO_COLUMNS[field]) {
      throw invalidFile(context, `column ${index + 1} of its header is not ${ZOHO_COLUMNS[field]}`);
    }
  });
  return { userName: userNameHeader };
}

function cellsOf(line: CsvRecord): Record<string, ZohoCell> {
  const cells: Record<string, ZohoCell> = {};
  line.fields.forEach((field, index) => {
    cells[ZOHO_COLUMNS[FILE_FIELDS[index]!]] = field;
  });
  return cells;
}

// The header's own values stay out of the message: a file without a header line would
// show a token's values there.
function invalidFile(context: HeaderContext, detail: string): TokenStoreError {
  return new TokenStoreError(
    'INVALID_OPTIONS',
    `${context.source} not a Zoho token file: ${detail}`,
    { operation: context.operation },
  );
}
