/**
 * The `tokenstore-zoho` command: reads a Zoho token file or table, imports its tokens
 * into the store that `--to` names, and returns the exit status.
 */
import { isTokenStoreError, type TokenStore } from '@tokenstore/core';

import { importZohoTokens } from '../import/import.js';
import type { ZohoRecord } from '../import/records.js';
import { readZohoTokenFile } from '../import/token-file.js';
import { readZohoTokenTable } from '../import/token-table.js';
import { HELP, USAGE, UsageError, parseArguments, type ImportSource } from './arguments.js';
import { createProgressReporter, formatSummary, type OutputStream } from './report.js';
import {
  MissingAdapterError,
  describeTarget,
  maskPassword,
  openTarget,
  parseTarget,
} from './targets.js';

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
    target = parseTarget(command.target);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`tokenstore-zoho: ${error.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }

  let store: TokenStore | undefined;
  try {
    const records = await readSource(command.source);
    store = await openTarget(target);
    const progress = createProgressReporter(stderr);
    const result = await importZohoTokens(records, store, {
      onMalformed: command.skipMalformed ? 'skip' : 'stop',
      keepIds: command.keepIds,
      onProgress: progress.onProgress,
    });
    progress.finish();
    stdout.write(formatSummary(result, describeSource(command.source), describeTarget(target)));
    return result.outcome === 'imported' ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    stderr.write(`tokenstore-zoho: ${describeError(error)}\n`);
    return EXIT_FAILED;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

function readSource(source: ImportSource): Promise<ZohoRecord[]> {
  return source.kind === 'file'
    ? readZohoTokenFile(source.path)
    : readZohoTokenTable({ url: source.url, table: source.table });
}

function describeSource(source: ImportSource): string {
  return source.kind === 'file'
    ? source.path
    : `the table ${source.table} of ${maskPassword(source.url)}`;
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
