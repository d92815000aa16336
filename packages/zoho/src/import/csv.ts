/**
 * A CSV reader for Zoho token files. It splits bytes rather than text, so that each
 * field can be decoded on its own and one field that is not UTF-8 makes only its
 * record malformed. The delimiters are ASCII bytes, which never occur inside a
 * multi-byte UTF-8 sequence.
 *
 * It reads what both kinds of Zoho SDK write. Python's `csv` module puts a value with a
 * comma, quote or line break in double quotes, doubles quotes and ends lines with
 * `\r\n`. The TypeScript and Node SDKs join values with commas, with no quoting, and
 * end lines with `\n`.
 */

/** A record: the line it starts on and its fields, unquoted. */
export interface CsvRecord {
  kind: 'record';
  line: number;
  fields: Uint8Array[];
}

/** A record that cannot be split into fields, and why. */
export interface CsvProblem {
  kind: 'problem';
  line: number;
  reason: string;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Splits CSV bytes into records, in order, skipping a UTF-8 byte order mark and blank
 * lines. A record ends at `\r\n`, `\n` or a lone `\r` outside quotes. A quote opens a
 * quoted value only at the start of a field; elsewhere it is an ordinary character,
 * as Python's `csv` module reads it. A quote that is never closed, or text after a
 * closing quote, makes the record a problem; reading goes on at the next line.
 */
export function parseCsv(bytes: Uint8Array): (CsvRecord | CsvProblem)[] {
  return new CsvParser(bytes).parse();
}

class CsvParser {
  readonly #bytes: Uint8Array;
  #offset = 0;
  #line = 1;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    if (UTF8_BOM.every((byte, index) => bytes[index] === byte)) {
      this.#offset = UTF8_BOM.length;
    }
  }

  parse(): (CsvRecord | CsvProblem)[] {
    const entries: (CsvRecord | CsvProblem)[] = [];
    while (this.#offset < this.#bytes.length) {
      const entry = this.#readRecord();
      if (entry.kind === 'problem' || !isBlank(entry.fields)) {
        entries.push(entry);
      }
    }
    return entries;
  }

  #readRecord(): CsvRecord | CsvProblem {
    const start = this.#offset;
    const line = this.#line;
    const fields: Uint8Array[] = [];

    for (;;) {
      const field =
        this.#bytes[this.#offset] === QUOTE ? this.#readQuotedField() : this.#readPlainField();
      if (field === undefined) {
        // Go on at the record's second line, so that one stray quote hides no other record.
        this.#line = line;
        this.#skipToNextLine(start);
        return { kind: 'problem', line, reason: 'has a quoted value without its closing quote' };
      }
      fields.push(field);

      const next = this.#bytes[this.#offset];
      if (next === undefined) {
        return { kind: 'record', line, fields };
      }
      if (next === COMMA) {
        this.#offset += 1;
        continue;
      }
      if (isLineBreak(next)) {
        this.#readLineBreak();
        return { kind: 'record', line, fields };
      }
      this.#skipToNextLine(this.#offset);
      return {
        kind: 'problem',
        line,
        reason: `has text after the closing quote of field ${fields.length}`,
      };
    }
  }

  #readPlainField(): Uint8Array {
    const start = this.#offset;
    while (this.#offset < this.#bytes.length && !isDelimiter(this.#bytes[this.#offset])) {
      this.#offset += 1;
    }
    return this.#bytes.subarray(start, this.#offset);
  }

  // Returns the value between the quotes with doubled quotes made single, or undefined
  // when the input ends before the closing quote.
  #readQuotedField(): Uint8Array | undefined {
    const bytes = this.#bytes;
    const parts: Uint8Array[] = [];
    this.#offset += 1;
    let partStart = this.#offset;

    while (this.#offset < bytes.length) {
      const byte = bytes[this.#offset];
      if (byte === QUOTE) {
        if (bytes[this.#offset + 1] !== QUOTE) {
          parts.push(bytes.subarray(partStart, this.#offset));
          this.#offset += 1;
          return parts.length === 1 ? parts[0] : Buffer.concat(parts);
        }
        // A doubled quote: keep the first, drop the second.
        parts.push(bytes.subarray(partStart, this.#offset + 1));
        this.#offset += 2;
        partStart = this.#offset;
        continue;
      }
      if (byte === LF || (byte === CR && bytes[this.#offset + 1] !== LF)) {
        this.#line += 1;
      }
      this.#offset += 1;
    }
    return undefined;
  }

  #readLineBreak(): void {
    if (this.#bytes[this.#offset] === CR && this.#bytes[this.#offset + 1] === LF) {
      this.#offset += 1;
    }
    this.#offset += 1;
    this.#line += 1;
  }

  // Moves to the start of the line after the one that contains offset `from`.
  #skipToNextLine(from: number): void {
    let offset = from;
    while (offset < this.#bytes.length && !isLineBreak(this.#bytes[offset])) {
      offset += 1;
    }
    this.#offset = offset;
    if (offset < this.#bytes.length) {
      this.#readLineBreak();
    }
  }
}

function isDelimiter(byte: number | undefined): boolean {
  return byte === COMMA || isLineBreak(byte);
}

function isBlank(fields: readonly Uint8Array[]): boolean {
  return fields.length === 1 && fields[0]!.every((byte) => byte === SPACE || byte === TAB);
}

function isLineBreak(byte: number | undefined): boolean {
  return byte === CR || byte === LF;
}
