/**
 * The import: saves the tokens that a reader of Zoho token files or tables returned
 * into any token store, one `saveToken` call per token, in source order.
 */
import {
  isTokenStoreError,
  type OAuthToken,
  type TokenStore,
  type TokenStoreErrorCode,
} from '@tokenstore/core';

import { markDuplicates } from './convert.js';
import type { MalformedRecord, RecordPosition, ZohoRecord } from './records.js';

/** Options of `importZohoTokens`. */
export interface ZohoImportOptions {
  /**
   * The handling of malformed records. With `'stop'` nothing is written and the result
   * lists the malformed records. With `'skip'` the other records are imported and the
   * malformed ones are listed as skipped. @default 'stop'
   */
  onMalformed?: 'stop' | 'skip';
  /**
   * Saves each token with Zoho's id. By default the ids are dropped, so the store gives
   * every new record an id of its own and an id from Zoho can never update a record the
   * store keeps under that id. @default false
   */
  keepIds?: boolean;
  /**
   * Called with the number of tokens saved so far and the number to save: once before
   * the first save, then after each one. @default no progress reports
   */
  onProgress?: (done: number, total: number) => void;
}

/** A token that the import saved. */
export interface WrittenToken {
  position: RecordPosition;
  /** The id of the record in the store. */
  id: string;
  /**
   * True when the save updated a record that the store held before the import (the
   * same user name, or another lookup key), rather than inserting a new one.
   */
  updated: boolean;
}

/** The save that failed and stopped the import. */
export interface FailedToken {
  position: RecordPosition;
  /** The error's code: a `TokenStoreError` code, or `BACKEND` for any other error. */
  code: TokenStoreErrorCode;
  /** The store's message, which never contains a token value or a client secret. */
  message: string;
  error: unknown;
}

/** The outcome of an import, with every record's fate. */
export interface ZohoImportResult {
  /**
   * `imported`: every token was saved (malformed records skipped on request);
   * `malformed`: malformed records were found in `'stop'` mode, so nothing was written;
   * `failed`: a save failed, so the import stopped there.
   */
  outcome: 'imported' | 'malformed' | 'failed';
  /** The number of records read: tokens and malformed records. */
  read: number;
  /** The tokens saved, in the order of the saves. */
  written: WrittenToken[];
  /** Every malformed record. In `'skip'` mode these are the records skipped. */
  malformed: MalformedRecord[];
  /** The save that failed, when the outcome is `failed`. */
  failed: FailedToken | undefined;
  /** The tokens not saved because the import stopped: after a failed save, or all of them. */
  notWritten: RecordPosition[];
}

/**
 * Saves the tokens of `records` (from `readZohoTokenFile`, `parseZohoTokenFile` or
 * `readZohoTokenTable`) into `store`, each with one `saveToken` call, in the records'
 * order. It checks every record before the first save; with `keepIds`, a repeated id
 * makes the later record malformed too. A save that fails stops the import and the
 * result lists which tokens were written and which were not.
 *
 * It never throws for malformed records or a failed save; it returns them in the
 * result. It throws only when the store's `getTokens`, read once before the first save
 * to tell inserts from updates, fails.
 */
export async function importZohoTokens(
  records: readonly ZohoRecord[],
  store: TokenStore,
  options: ZohoImportOptions = {},
): Promise<ZohoImportResult> {
  const { onMalformed = 'stop', keepIds = false, onProgress } = options;
  const checked = keepIds ? markDuplicates(records, { checkIds: true }) : records;
  const malformed = checked.filter((record) => record.kind === 'malformed');
  const tokens = checked.filter((record) => record.kind === 'token');
  const result: ZohoImportResult = {
    outcome: 'imported',
    read: records.length,
    written: [],
    malformed,
    failed: undefined,
    notWritten: [],
  };

  if (malformed.length > 0 && onMalformed !== 'skip') {
    return { ...result, outcome: 'malformed', notWritten: tokens.map((token) => token.position) };
  }

  const heldIds = new Set((await store.getTokens()).map((stored) => stored.id));
  onProgress?.(0, tokens.length);
  for (const [index, record] of tokens.entries()) {
    try {
      const stored = await store.saveToken(tokenToSave(record.token, keepIds));
      result.written.push({
        position: record.position,
        id: stored.id,
        updated: heldIds.has(stored.id),
      });
    } catch (error) {
      result.outcome = 'failed';
      result.failed = describeFailure(record.position, error);
      result.notWritten = tokens.slice(index + 1).map((token) => token.position);
      return result;
    }
    onProgress?.(index + 1, tokens.length);
  }
  return result;
}

function tokenToSave(token: OAuthToken, keepIds: boolean): OAuthToken {
  const copy = { ...token };
  if (!keepIds) delete copy.id;
  return copy;
}

function describeFailure(position: RecordPosition, error: unknown): FailedToken {
  if (isTokenStoreError(error)) {
    return { position, code: error.code, message: error.message, error };
  }
  // Only a store outside this project throws other errors; their messages are unknown
  // text, so they stay in `error` and out of `message`.
  return { position, code: 'BACKEND', message: 'the store failed with an unknown error', error };
}
