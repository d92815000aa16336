/**
 * The pure part of `saveToken`: what record an upsert writes, given the record its
 * lookup key found. Stores run this inside their own transaction or lock.
 */
import { randomUUID } from 'node:crypto';

import { TokenStoreError } from './errors.js';
import {
  UNIQUE_FIELDS,
  copyToken,
  type OAuthToken,
  type StoredToken,
  type UniqueField,
} from './token.js';
import { carriesTokenValue } from './validate.js';

/** Generates a record id: a random UUID, never derived from existing ids. */
export function createTokenId(): string {
  return randomUUID();
}

/**
 * Returns the record that saving `token` writes. With `existing` (the record the
 * lookup key found) the given fields overwrite and the others keep their stored
 * value; without it, a new record with the token's id or a generated one.
 *
 * @throws TokenStoreError `INVALID_TOKEN` when there is no record to update and the
 *   token carries no access, refresh or grant token.
 */
export function resolveUpsert(
  existing: StoredToken | null,
  token: OAuthToken,
  createId: () => string = createTokenId,
): StoredToken {
  if (existing !== null) {
    return copyToken({ ...existing, ...token, id: existing.id });
  }
  if (!carriesTokenValue(token)) {
    throw new TokenStoreError(
      'INVALID_TOKEN',
      'the token carries no access, refresh or grant token and matches no stored record',
    );
  }
  return copyToken({ ...token, id: token.id ?? createId() });
}

/**
 * Returns the first unique field in which `record` holds a value that another record
 * holds, or `undefined`. `holderOf` returns the id of the record that holds a value in
 * a field, or `undefined`.
 */
export function findConflictingField(
  record: StoredToken,
  holderOf: (field: UniqueField, value: string) => string | undefined,
): UniqueField | undefined {
  return UNIQUE_FIELDS.find((field) => {
    const value = record[field];
    if (value === undefined) return false;
    const holder = holderOf(field, value);
    return holder !== undefined && holder !== record.id;
  });
}

/** Builds the `CONFLICT` error for a value of `field` that another record holds. */
export function conflictError(field: string, cause?: unknown): TokenStoreError {
  return new TokenStoreError('CONFLICT', `another record already holds this ${field}`, { cause });
}
