/**
 * The command's output: progress while it saves, and the summary at the end. Both name
 * records by line or row and never show a token value or a client secret.
 */
import type { FailedToken, ZohoImportResult } from '../import/import.js';
import {
  describePosition,
  describePositionWithId,
  formatId,
  type RecordPosition,
  type ZohoRecord,
} from '../import/records.js';

/** A stream the command writes to; `isTTY` decides how progress is shown. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

// A longer list of positions is cut, with a count of the rest.
const MAX_LISTED_POSITIONS = 20;

/** Options of `createProgressReporter`. */
export interface ProgressOptions {
  /** The shortest time between two redraws of the line on a terminal, in milliseconds. @default 100 */
  redrawIntervalMs?: number;
  /** The clock, in milliseconds. @default performance.now */
  now?: () => number;
}

/**
 * Returns an `onProgress` callback that reports on `stream`: on a terminal one line
 * that is redrawn at most every `redrawIntervalMs` and at the last save, otherwise a
 * line at every tenth of the tokens. Call the returned `finish` once the saves are
 * over: it draws the latest count if the line does not show it yet.
 */
export function createProgressReporter(
  stream: OutputStream,
  options: ProgressOptions = {},
): {
  onProgress: (done: number, total: number) => void;
  finish: () => void;
} {
  const { redrawIntervalMs = 100, now = () => performance.now() } = options;
  let lastTenth = -1;
  let lastDrawAt = -Infinity;
  let undrawn: string | undefined;
  let rewriting = false;

  const draw = (text: string): void => {
    stream.write(`\r${text}`);
    rewriting = true;
    undrawn = undefined;
    lastDrawAt = now();
  };
  const onProgress = (done: number, total: number): void => {
    if (total === 0) return;
    const percent = Math.floor((done / total) * 100);
    const text = `saved ${done} of ${count(total, 'token')} (${percent}%)`;
    if (stream.isTTY) {
      if (done === total || now() - lastDrawAt >= redrawIntervalMs) {
        draw(text);
      } else {
        undrawn = text;
      }
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      stream.write(`${text}\n`);
    }
  };
  const finish = (): void => {
    if (undrawn !== undefined) draw(undrawn);
    if (rewriting) stream.write('\n');
    rewriting = false;
  };
  return { onProgress, finish };
}

/**
 * Formats the first line of the summary, on the records as the import checks them,
 * for a run that stops before the import returns a result.
 */
export function formatReadLine(records: readonly ZohoRecord[], source: string): string {
  const malformed = records.filter((record) => record.kind === 'malformed').length;
  return `${readLine(records.length, malformed, source)}\n`;
}

/** Formats the summary of an import from `source` into `target`, one line per fact. */
export function formatSummary(result: ZohoImportResult, source: string, target: string): string {
  const tokenCount = result.read - result.malformed.length;
  const lines = [readLine(result.read, result.malformed.length, source)];

  if (result.outcome === 'malformed') {
    lines.push(
      `Nothing was written, because ${count(result.malformed.length, 'record is', 'records are')} malformed:`,
    );
    lines.push(...listMalformed(result));
    const them = result.malformed.length === 1 ? 'it' : 'them';
    lines.push(
      tokenCount === 0
        ? `Fix ${them} and run again.`
        : `Fix ${them}, or run again with --skip-malformed to import the ${count(tokenCount, 'other token')}.`,
    );
    return `${lines.join('\n')}\n`;
  }
  if (result.outcome === 'conflict' && result.failed !== undefined) {
    lines.push(...describeConflict(result.failed));
    return `${lines.join('\n')}\n`;
  }

  const updated = result.written.filter((token) => token.updated).length;
  if (result.outcome === 'failed') {
    lines.push(
      `Wrote ${result.written.length} of ${count(tokenCount, 'token')} to ${target}, then the import stopped.`,
    );
  } else {
    lines.push(`Wrote ${count(result.written.length, 'token')} to ${target}.`);
  }
  if (updated > 0) {
    lines.push(
      `${count(updated, 'of them updated a record', 'of them updated records')} that the store already held.`,
    );
  }
  if (result.malformed.length > 0) {
    lines.push(`Skipped ${count(result.malformed.length, 'malformed record')}:`);
    lines.push(...listMalformed(result));
  }
  if (result.failed !== undefined) {
    lines.push(
      `Failed: ${describePosition(result.failed.position)}: ${result.failed.code}: ${result.failed.message}`,
    );
    lines.push(
      `Not written: ${count(result.notWritten.length, 'token')}${listPositions(result.notWritten)}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function readLine(read: number, malformed: number, source: string): string {
  return (
    `Read ${count(read, 'record')} from ${source}: ` +
    `${count(read - malformed, 'token')}, ${malformed} malformed.`
  );
}

function describeConflict(failed: FailedToken): string[] {
  const label = describePosition(failed.position);
  if (failed.field === undefined) {
    const labelWithId = describePositionWithId(failed.position, failed.heldId ?? '');
    return [
      `Nothing was written, because the store already holds the id of ${labelWithId} for another user.`,
      'Run again without --keep-ids to give the tokens new ids.',
    ];
  }
  if (failed.holderPosition !== undefined) {
    return [
      `Nothing was written, because ${label} holds the ${failed.field} of the record that ` +
        `${describePosition(failed.holderPosition)} inserts.`,
      'Correct one of the two, then run again.',
    ];
  }
  return [
    `Nothing was written, because ${label} holds the ${failed.field} of another record ` +
      `that the store already has (id ${formatId(failed.holderId ?? '')}).`,
    `Delete that record from the store or correct ${label}, then run again.`,
  ];
}

function listMalformed(result: ZohoImportResult): string[] {
  return result.malformed.map(
    (record) => `  ${describePosition(record.position)}: ${record.reason}`,
  );
}

// Lists positions with runs of consecutive lines or rows as ranges (`lines 4–9`),
// at most MAX_LISTED_POSITIONS entries, then the count of the positions left out.
function listPositions(positions: readonly RecordPosition[]): string {
  if (positions.length === 0) return '';
  const runs = consecutiveRuns(positions);
  const shown = runs.slice(0, MAX_LISTED_POSITIONS);
  const listed = shown.reduce((sum, run) => sum + run.length, 0);
  const rest = positions.length - listed;
  const entries = shown.map(describeRun).join(', ');
  return ` (${entries}${rest > 0 ? ` and ${rest} more` : ''})`;
}

function consecutiveRuns(positions: readonly RecordPosition[]): RecordPosition[][] {
  const runs: RecordPosition[][] = [];
  let run: RecordPosition[] = [];
  for (const position of positions) {
    const previous = run.at(-1);
    if (previous !== undefined && numberOf(position) !== numberOf(previous) + 1) {
      runs.push(run);
      run = [];
    }
    run.push(position);
  }
  runs.push(run);
  return runs;
}

function describeRun(run: readonly RecordPosition[]): string {
  const first = run[0]!;
  if (run.length === 1) return describePosition(first);
  const unit = 'line' in first ? 'lines' : 'rows';
  return `${unit} ${numberOf(first)}–${numberOf(run.at(-1)!)}`;
}

function numberOf(position: RecordPosition): number {
  return 'line' in position ? position.line : position.row;
}

function count(value: number, singular: string, plural = `${singular}s`): string {
  return `${value} ${value === 1 ? singular : plural}`;
}
