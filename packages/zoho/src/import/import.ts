/**
 * The import: saves the tokens that a reader of Zoho token files or tables returned
 * into any token store, one `saveToken` call per token, in source order.
 */
import {
  TokenStoreError,
  isTokenStoreError,
  type OAuthToken,
  type TokenStore,
  type TokenStoreErrorCode,
  type UniqueField,
} from '@tokenstore/core';

import { markDuplicates } from './convert.js';
import { findHeldIdOfAnotherUser } from './held-ids.js';
import {
  describePosition,
  describePositionWithId,
  formatId,
  type MalformedRecord,
  type RecordPosition,
  type TokenRecord,
  type ZohoRecord,
} from './records.js';
import {
  findForeseenConflict,
  type ForeseenConflict,
  type PlannedSave,
} from './store-conflicts.js';

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
   * store keeps under that id. With `keepIds`, the import writes nothing when the store
   * already has a record with a token's id for another user (outcome `conflict`).
   * @default false
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
   * True when the save updated a record that was in the store before the import (the
   * same user name, or another lookup key), rather than inserting a new one.
   */
  updated: boolean;
}

/**
 * The save that failed and stopped the import, or the token that stopped it before
 * the first save (outcome `conflict`).
 */
export interface FailedToken {
  position: RecordPosition;
  /** The error's code: a `TokenStoreError` code, or `BACKEND` for any other error. */
  code: TokenStoreErrorCode;
  /** The error's message, which never contains a token value or a client secret. */
  message: string;
  error: unknown;
  /** The token's Zoho id that the store already holds for another user (outcome `conflict`). */
  heldId?: string;
  /**
   * The unique field whose value another record would hold when this token is saved
   * (outcome `conflict`, found before the first save).
   */
  field?: UniqueField;
  /** The id of the record that contains that value (with `field`). */
  holderId?: string;
  /**
   * The position of the earlier token whose save inserts the record that contains the
   * value (with `field`). Absent when that record was in the store before the import.
   */
  holderPosition?: RecordPosition;
}

/** The outcome of an import, with every record's fate. */
export interface ZohoImportResult {
  /**
   * `imported`: every token was saved (malformed records skipped on request);
   * `malformed`: malformed records were found in `'stop'` mode, so nothing was written;
   * `failed`: a save failed, so the import stopped there;
   * `conflict`: a save would fail with `CONFLICT`, so nothing was written; `failed`
   * names the first such token (code `CONFLICT`). Either, with `keepIds`, the store
   * has a record with the token's id for another user (`heldId`), or the saved record
   * would contain a unique value that another record contains (`field`, `holderId`).
   */
  outcome: 'imported' | 'malformed' | 'failed' | 'conflict';
  /** The number of records read: tokens and malformed records. */
  read: number;
  /** The tokens saved, in the order of the saves. */
  written: WrittenToken[];
  /** Every malformed record. In `'skip'` mode these are the records skipped. */
  malformed: MalformedRecord[];
  /** The save that failed (outcome `failed`), or the token that would conflict (outcome `conflict`). */
  failed: FailedToken | undefined;
  /**
   * The tokens not saved because the import stopped: the tokens after a failed save, or
   * all of them when the import stopped before the first save.
   */
  notWritten: RecordPosition[];
}

/**
 * Saves the tokens of `records` (from `readZohoTokenFile`, `parseZohoTokenFile` or
 * `readZohoTokenTable`) into `store`, each with one `saveToken` call, in the records'
 * order. It checks every record before the first save. With `keepIds`, a repeated id
 * makes the later record malformed too.
 *
 * Two cases stop the import before the first save: with `keepIds`, an id that the store
 * has for another user; and a token whose save would write a user name, access, refresh
 * or grant token that another record contains, in the store as it was or as earlier
 * tokens of the import leave it. A save that still fails (another writer changed the
 * store during the import, say) stops the import, and the result lists which tokens
 * were written and which were not.
 *
 * It never throws for malformed records, a conflict or a failed save; it returns them
 * in the result. It reads the store once with `getTokens` before the first save, to
 * tell inserts from updates and to check for conflicts, and throws the store's
 * `TokenStoreError` when that read fails.
 */
export async function importZohoTokens(
  records: readonly ZohoRecord[],
  store: TokenStore,
  options: ZohoImportOptions = {},
): Promise<ZohoImportResult> {
  const { onMalformed = 'stop', keepIds = false, onProgress } = options;
  const checked = checkZohoRecords(records, keepIds);
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

  // NOTE: the whole input and every stored record are in memory at once (about 365 MB
  // for 100,000 tokens); a paged read of the store would bound the second part.
  const storedRecords = await store.getTokens();
  if (keepIds) {
    const idOfAnotherUser = findHeldIdOfAnotherUser(tokens, storedRecords);
    if (idOfAnotherUser !== undefined) {
      const failed = idConflict(idOfAnotherUser);
      return {
        ...result,
        outcome: 'conflict',
        failed,
        notWritten: tokens.map((token) => token.position),
      };
    }
  }

  const saves: PlannedSave[] = tokens.map((record) => ({
    position: record.position,
    token: tokenToSave(record.token, keepIds),
  }));
  const conflict = findForeseenConflict(saves, storedRecords);
  if (conflict !== undefined) {
    return {
      ...result,
      outcome: 'conflict',
      failed: valueConflict(saves[conflict.index]!.position, conflict),
      notWritten: tokens.map((token) => token.position),
    };
  }

  const heldIds = new Set(storedRecords.map((stored) => stored.id));
  onProgress?.(0, tokens.length);
  for (const [index, record] of saves.entries()) {
    try {
      const stored = await store.saveToken(record.token);
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

/**
 * Returns the records as the import checks them before the first save: with `keepIds`,
 * a record that repeats an earlier record's id becomes malformed.
 */
export function checkZohoRecords(
  records: readonly ZohoRecord[],
  keepIds: boolean,
): readonly ZohoRecord[] {
  return keepIds ? markDuplicates(records, { checkIds: true }) : records;
}

function tokenToSave(token: OAuthToken, keepIds: boolean): OAuthToken {
  const copy = { ...token };
  if (!keepIds) delete copy.id;
  return copy;
}

function idConflict(record: TokenRecord): FailedToken {
  const heldId = record.token.id ?? '';
  const label = describePositionWithId(record.position, heldId);
  const error = new TokenStoreError(
    'CONFLICT',
    `the store already holds the id of ${label} for another user; ` +
      'import without keepIds to give the tokens new ids',
    { operation: 'importZohoTokens' },
  );
  return { position: record.position, code: error.code, message: error.message, error, heldId };
}

function valueConflict(position: RecordPosition, conflict: ForeseenConflict): FailedToken {
  const { field, holderId, holderPosition } = conflict;
  const label = describePosition(position);
  const detail =
    holderPosition === undefined
      ? `${label} holds the ${field} of another record that the store already has ` +
        `(id ${formatId(holderId)}); delete that record or correct ${label}, then import again`
      : `${label} holds the ${field} of the record that ${describePosition(holderPosition)} ` +
        'inserts; correct one of the two, then import again';
  const error = new TokenStoreError('CONFLICT', detail, { operation: 'importZohoTokens' });
  return {
    position,
    code: error.code,
    message: error.message,
    error,
    field,
    holderId,
    ...(holderPosition === undefined ? {} : { holderPosition }),
  };
}

function describeFailure(position: RecordPosition, error: unknown): FailedToken {
  if (isTokenStoreError(error)) {
    return { position, code: error.code, message: error.message, error };
  }
  // Only a store outside this project throws other errors; their messages are unknown
  // text, so they stay in `error` and out of `message`.
  return { position, code: 'BACKEND', message: 'the store failed with an unknown error', error };
}
