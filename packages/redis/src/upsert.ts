/**
 * The upsert and the delete, as optimistic writes: read the record with its revision,
 * decide in JavaScript with the core's `resolveUpsert`, then write with a script that
 * applies only if the record is still at that revision. When another write came in
 * between, the script changes nothing and the operation reads again and retries, so
 * an insert that lost a race becomes an update. The revision check also keeps a
 * write that reaches the server late from overwriting a newer one.
 */
import { randomBytes } from 'node:crypto';

import {
  TokenStoreError,
  conflictError,
  resolveUpsert,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type UniqueField,
} from '@tokenstore/core';

import type { OperationBudget } from './budget.js';
import {
  deleteRecord,
  findRecord,
  readFence,
  writeRecord,
  type ReadResult,
  type StoreContext,
} from './commands.js';
import type { StoredRecord } from './records.js';

/**
 * How many times one save or delete reads and writes before it gives up. Each retry
 * follows a write by another caller to the same record, so a caller that races N others
 * needs at most N + 1 attempts.
 */
export const MAX_ATTEMPTS = 100;

/** Saves `token`: updates the record `key` finds, or inserts one. */
export async function saveToken(
  context: StoreContext,
  budget: OperationBudget,
  token: OAuthToken,
  key: LookupKey | null,
): Promise<StoredToken> {
  const lookupField = key === null || key.field === 'id' ? undefined : (key.field as UniqueField);

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const { value: previous, fence } = await readPrevious(context, budget, key);
    const record = resolveUpsert(previous?.record ?? null, token);

    const outcome = await writeRecord(context, budget, {
      record,
      previous,
      lookupField,
      revision: newRevision(),
      fence,
    });
    if (outcome === 'ok') {
      return record;
    }
    if (outcome === 'expired') {
      throw budget.timeoutError();
    }
    if (outcome !== 'stale') {
      throw conflictError(fieldOfColumn(outcome.conflict));
    }
  }
  throw contentionError();
}

/** Deletes the record with this id; an unknown id is not an error. */
export async function deleteToken(
  context: StoreContext,
  budget: OperationBudget,
  id: string,
): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const { value: stored, fence } = await findRecord(context, budget, { field: 'id', value: id });
    if (stored === null) {
      return;
    }
    const outcome = await deleteStored(context, budget, stored, fence);
    if (outcome === 'ok') {
      return;
    }
  }
  throw contentionError();
}

/**
 * Deletes a record read at `fence`: resolves `'ok'` when it is gone, or `'stale'` when
 * it changed since and must be read again.
 */
export async function deleteStored(
  context: StoreContext,
  budget: OperationBudget,
  stored: StoredRecord,
  fence: number,
): Promise<'ok' | 'stale'> {
  const outcome = await deleteRecord(context, budget, stored, fence);
  if (outcome === 'expired') {
    throw budget.timeoutError();
  }
  return outcome;
}

async function readPrevious(
  context: StoreContext,
  budget: OperationBudget,
  key: LookupKey | null,
): Promise<ReadResult<StoredRecord | null>> {
  if (key === null) {
    return { value: null, fence: await readFence(context, budget) };
  }
  return findRecord(context, budget, key);
}

// A random revision, not a counter: a record deleted and saved again under the same id
// never comes back at a revision that an old read saw.
function newRevision(): string {
  return randomBytes(12).toString('base64url');
}

const FIELD_BY_COLUMN: Readonly<Record<string, UniqueField>> = {
  user_name: 'userName',
  access_token: 'accessToken',
  refresh_token: 'refreshToken',
  grant_token: 'grantToken',
};

function fieldOfColumn(column: string): string {
  return FIELD_BY_COLUMN[column] ?? column;
}

function contentionError(): TokenStoreError {
  return new TokenStoreError(
    'UNAVAILABLE',
    `the record changed on each of ${MAX_ATTEMPTS} attempts; too many concurrent writes to it`,
  );
}
