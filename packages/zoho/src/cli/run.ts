/**
 * The `tokenstore-zoho` command: reads a Zoho token file or table, imports its tokens
 * into the store that `--to` names, and returns the exit status.
 */
import { readFile } from 'node:fs/promises';

import { isTokenStoreError } from '@tokenstore/core';

import { checkZohoRecords, importZohoTokens } from '../import/import.js';
import type { ZohoRecord } from '../import/records.js';
import { readZohoTokenFile } from '../import/token-file.js';
import { readZohoTokenTable } from '../import/token-table.js';
import { HELP, USAGE, parseArguments, type ImportCommand, type ImportSource } from './arguments.js';
import {
  createProgressReporter,
  formatReadLine,
  formatSummary,
  type OutputStream,
} from './report.js';
import { maskUrl } from './mask-url.js';
import { MissingAdapterError, openTarget, parseTarget, type OpenedTarget } from './targets.js';
import { UsageError } from './usage-error.js';

/** Exit status: every token written, or skipped on request. */
export const EXIT_OK = 0;
/** Exit status: the import stopped (malformed records) or failed. */
export const EXIT_FAILED = 1;
/** Exit status: an invalid command line. */
export const EXIT_USAGE = 2;

/** The streams the command writes to. */
export interface CommandOutput {
  stdout: OutputStream;
  stderr: OutputStream;
}

/** Runs the command with the arguments after the program name and returns the exit status. */
export async function runCommand(args: readonly string[], output: CommandOutput): Promise<number> {
  const { stdout, stderr } = output;
  let command;
  let target;
  try {
    command = parseArguments(args);
    if (command.command === 'help') {
      stdout.write(HELP);
      return EXIT_OK;
    }
    if (command.command === 'version') {
      stdout.write(`${await readVersion()}\n`);
      return EXIT_OK;
    }
    target = parseTarget(command.target);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`tokenstore-zoho: ${error.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }

  let records: ZohoRecord[];
  let opened: OpenedTarget;
  try {
    records = await readSource(command.source);
    opened = await openTarget(target);
  } catch (error) {
    stderr.write(`tokenstore-zoho: ${describeError(error)}\n`);
    return EXIT_FAILED;
  }
  try {
    return await importRecords(records, opened, command, output);
  } finally {
    await opened.store.close().catch(() => undefined);
  }
}

async function importRecords(
  records: readonly ZohoRecord[],
  { store, description }: OpenedTarget,
  command: ImportCommand,
  { stdout, stderr }: CommandOutput,
): Promise<number> {
  const source = describeSource(command.source);
  const progress = createProgressReporter(stderr);
  let result;
  try {
    result = await importZohoTokens(records, store, {
      onMalformed: command.skipMalformed ? 'skip' : 'stop',
      keepIds: command.keepIds,
      onProgress: progress.onProgress,
    });
  } catch (error) {
    // The import throws only when its one read of the store, before any save, fails.
    progress.finish();
    stdout.write(formatReadLine(checkZohoRecords(records, command.keepIds), source));
    stderr.write(`tokenstore-zoho: the target store cannot be read: ${describeError(error)}\n`);
    return EXIT_FAILED;
  }
  progress.finish();

  stdout.write(formatSummary(result, source, description));
  return result.outcome === 'imported' ? EXIT_OK : EXIT_FAILED;
}

// The package's version, from the package.json next to dist/ and src/.
async function readVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function readSource(source: ImportSource): Promise<ZohoRecord[]> {
  return source.kind === 'file'
    ? readZohoTokenFile(source.path)
    : readZohoTokenTable({ url: source.url, table: source.table });
}

function describeSource(source: ImportSource): string {
  return source.kind === 'file'
    ? source.path
    : `the table ${source.table} of ${maskUrl(source.url)}`;
}

// Messages of tokenstore errors never hold secrets. Other errors can quote anything (a
// driver's message may hold a URL with its password), so only their code is shown.
function describeError(error: unknown): string {
  if (isTokenStoreError(error) || error instanceof MissingAdapterError) {
    return error.message;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return `the import failed with an unexpected error${typeof code === 'string' ? ` (${code})` : ''}`;
}
