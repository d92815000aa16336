/**
 * The unique indexes that keep one record per user name, access token, refresh token
 * and grant token. The server enforces them on every write, so two processes can never
 * both insert a record for one identity.
 *
 * They use only what MongoDB and FerretDB 1.24 both build alike: a plain ascending
 * unique index on one field that every document holds. Neither `sparse` (which
 * FerretDB ignores) nor `partialFilterExpression` (which it rejects) is needed,
 * because the lookup fields are never missing.
 */
import { UNIQUE_FIELDS } from '@tokenstore/core';
import type { Collection, Document, IndexDescription } from 'mongodb';

import { CLAIM_INDEX, type ClaimDocument } from './claims.js';
import { LOOKUP_FIELDS, type TokenDocument } from './documents.js';

/** The indexes of a token collection, besides the one MongoDB creates on `_id`. */
export const UNIQUE_INDEXES: readonly IndexDescription[] = UNIQUE_FIELDS.map((field) => ({
  key: { [LOOKUP_FIELDS[field]]: 1 },
  name: `${LOOKUP_FIELDS[field]}_unique`,
  unique: true,
}));

/**
 * Creates the collection's unique indexes where they are missing. Creating an index
 * that exists with the same options changes nothing, so every store runs this on its
 * first call, also on an empty collection or one that another store created.
 *
 * Each index is created by a command of its own. FerretDB 1.24.2 panics and drops the
 * connection when one `createIndexes` command names several indexes that already
 * exist, because it removes them from a shrinking list by their original positions.
 * The existing indexes are listed first, so that a store on a ready collection sends
 * one command instead of four.
 */
export async function ensureIndexes(collection: Collection<TokenDocument>): Promise<void> {
  const existing = new Set((await listIndexes(collection)).map((index) => index.name));
  for (const index of UNIQUE_INDEXES) {
    if (!existing.has(index.name)) {
      await collection.createIndexes([index]);
    }
  }
}

/** Creates the unique index on `slot` of a claims collection where it is missing. */
export async function ensureClaimIndex(claims: Collection<ClaimDocument>): Promise<void> {
  const existing = (await listIndexes(claims)).map((index) => index.name);
  if (!existing.includes(CLAIM_INDEX.name)) {
    await claims.createIndexes([{ ...CLAIM_INDEX }]);
  }
}

async function listIndexes<T extends Document>(
  collection: Collection<T>,
): Promise<{ name?: string }[]> {
  try {
    return await collection.listIndexes().toArray();
  } catch (error) {
    // NamespaceNotFound (26): the collection does not exist yet, so it has no indexes.
    if ((error as { code?: unknown }).code === 26) {
      return [];
    }
    throw error;
  }
}
