/**
 * The atomic upsert without transactions (FerretDB has none, and a standalone MongoDB
 * server has none either). A save finds the record by its lookup key, merges with
 * `resolveUpsert`, then writes with one single-document command. A new record is
 * inserted. An update is a replace that matches only while the document still has the
 * revision that was read. When another writer got there first, the save starts again
 * from the find, a bounded number of times.
 *
 * An update first claims the revision it read (see claims.ts), because the conditional
 * replace alone is not atomic everywhere: FerretDB 1.24 runs `findAndModify` as a query
 * followed by a separate SQLite UPDATE by `_id`, so two replaces that read one revision
 * at the same moment could both apply. With the claim, one writer at a time replaces a
 * given revision, on both servers. The revision condition stays: a writer that read a
 * revision that is already replaced can still claim it once the holder released it,
 * and its replace must then match nothing.
 */
import { randomUUID } from 'node:crypto';

import {
  TokenStoreError,
  conflictError,
  findConflictingField,
  resolveUpsert,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type UniqueField,
} from '@tokenstore/core';
import type { Collection } from 'mongodb';

import { claimRevision, releaseClaim, type ClaimDocument } from './claims.js';
import type { Deadline } from './deadline.js';
import {
  LOOKUP_FIELDS,
  fromDocument,
  lookupFilter,
  givenLookupValue,
  revisionFilter,
  revisionOf,
  toDocument,
  uniqueValueFilters,
  type TokenDocument,
} from './documents.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * How many times a save may start again after losing a race. Of fifty saves racing for
 * one record, the last one can lose forty-nine times. The call's deadline bounds the
 * attempts as well.
 */
export const MAX_SAVE_ATTEMPTS = 100;

// A duplicate key that no record explains (the holder changed or was deleted between the
// write and the read that looks for it) is retried a few times. One that keeps coming
// comes from an index this store did not create, and is reported as a conflict.
const MAX_UNEXPLAINED_DUPLICATES = 3;

/** The collections of one store: its records and the claims of their revisions. */
export interface StoreCollections {
  tokens: Collection<TokenDocument>;
  claims: Collection<ClaimDocument>;
}

/**
 * Upserts `token` and returns the stored record.
 *
 * @throws TokenStoreError `CONFLICT` when the written record would hold a value that
 *   another record holds, `INVALID_TOKEN` from `resolveUpsert`, `UNAVAILABLE` when the
 *   deadline passes or every attempt lost a race.
 */
export async function upsertToken(
  collections: StoreCollections,
  token: OAuthToken,
  key: LookupKey | null,
  deadline: Deadline,
): Promise<StoredToken> {
  const collection = collections.tokens;
  let unexplainedDuplicates = 0;
  for (let attempt = 1; attempt <= MAX_SAVE_ATTEMPTS; attempt += 1) {
    if (deadline.expired) {
      throw deadline.timeoutError();
    }
    const found = key === null ? null : await collection.findOne(lookupFilter(key));
    const existing = found === null ? null : fromDocument(found);
    const record = resolveUpsert(existing, token);

    try {
      const written =
        found === null
          ? await insertRecord(collection, record)
          : await replaceRecord(collections, record, found, deadline);
      if (written !== null) {
        return written;
      }
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      const explained = await explainDuplicate(collection, record, key, found === null, error);
      unexplainedDuplicates += explained ? 0 : 1;
      if (unexplainedDuplicates > MAX_UNEXPLAINED_DUPLICATES) {
        throw conflictError('lookup value', error);
      }
    }
    await backOff(attempt, deadline);
  }
  throw new TokenStoreError(
    'UNAVAILABLE',
    `the record kept changing: gave up after ${MAX_SAVE_ATTEMPTS} attempts`,
  );
}

async function insertRecord(
  collection: Collection<TokenDocument>,
  record: StoredToken,
): Promise<StoredToken> {
  await collection.insertOne(toDocument(record, randomUUID()));
  return record;
}

// Returns null when another writer holds the claim on the revision that was read, or
// when the document no longer has that revision because another writer changed or
// deleted it. The save then starts again from the find.
async function replaceRecord(
  collections: StoreCollections,
  record: StoredToken,
  found: TokenDocument,
  deadline: Deadline,
): Promise<StoredToken | null> {
  const revision = revisionOf(found);
  if (revision === undefined) {
    throw new TokenStoreError(
      'CORRUPT',
      'unreadable document: it has no revision, so it was not written by this store',
    );
  }
  const claim = await claimRevision(collections.claims, record.id, revision, deadline);
  if (claim === null) {
    return null;
  }
  try {
    // Past its deadline a claim may be taken over, so it no longer allows a write.
    if (deadline.expired) {
      throw deadline.timeoutError();
    }
    const result: unknown = await collections.tokens.findOneAndReplace(
      revisionFilter(record.id, revision),
      toDocument(record, randomUUID()),
      { returnDocument: 'after', includeResultMetadata: false },
    );
    const written = readModifiedDocument(result, 'findOneAndReplace');
    return written === null ? null : fromDocument(written);
  } finally {
    await releaseClaim(collections.claims, claim);
  }
}

/**
 * Reads the result of `findOneAndReplace` or `findOneAndUpdate` called with
 * `includeResultMetadata: false`: the document, or `null` when nothing matched.
 *
 * @throws TokenStoreError `BACKEND` for any other shape, such as the `{ value, ok }`
 *   wrapper of drivers before version 6, so that a changed result shape can never be
 *   read as "nothing matched".
 */
export function readModifiedDocument(result: unknown, command: string): TokenDocument | null {
  if (result === null) {
    return null;
  }
  if (typeof result === 'object' && typeof (result as { _id?: unknown })._id === 'string') {
    return result as TokenDocument;
  }
  throw new TokenStoreError(
    'BACKEND',
    `${command} returned neither a document nor null: the installed mongodb driver returns another result shape`,
  );
}

/**
 * Decides what a duplicate-key error means. Returns `true` when it is explained and the
 * save should start again, `false` when no record explains it:
 * - an insert lost the race for its own lookup key: another writer inserted the record
 *   meanwhile, and the next attempt updates it;
 * - another record has a value of `record`: `CONFLICT` naming the field;
 * - no record holds any of the values any more: it changed or was deleted meanwhile.
 */
async function explainDuplicate(
  collection: Collection<TokenDocument>,
  record: StoredToken,
  key: LookupKey | null,
  wasInsert: boolean,
  error: unknown,
): Promise<boolean> {
  if (wasInsert && key !== null && (await collection.findOne(lookupFilter(key))) !== null) {
    return true;
  }
  const filters = uniqueValueFilters(record);
  if (filters.length === 0) {
    return false;
  }
  const holders = await collection
    .find({ $or: filters }, { projection: lookupProjection() })
    .toArray();
  const holderOf = (field: UniqueField, value: string): string | undefined =>
    holders.find((holder) => holder[LOOKUP_FIELDS[field]] === givenLookupValue(value))?._id;
  const field = findConflictingField(record, holderOf);
  if (field !== undefined) {
    throw conflictError(field, error);
  }
  return false;
}

function lookupProjection(): Record<string, 1> {
  return Object.fromEntries(Object.values(LOOKUP_FIELDS).map((name) => [name, 1]));
}

// A short random pause spreads out the writers that lost a race, so that the next round
// does not collide the same way. It never runs past the deadline.
async function backOff(attempt: number, deadline: Deadline): Promise<void> {
  const pauseMs = Math.min(Math.random() * Math.min(attempt, 10) * 2, deadline.remainingMs);
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
