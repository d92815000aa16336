/**
 * The check that every token can be saved without a `CONFLICT`, run on the records
 * that were in the store before the import. It applies the core's rules to a copy of
 * those records, save by save, so the check of each token includes what the tokens
 * before it will have written.
 */
import {
  UNIQUE_FIELDS,
  findConflictingField,
  isTokenStoreError,
  lookupKeyOf,
  resolveUpsert,
  type OAuthToken,
  type StoredToken,
  type UniqueField,
} from '@tokenstore/core';

import type { RecordPosition } from './records.js';

/** A token to save, with its position in the source. */
export interface PlannedSave {
  position: RecordPosition;
  /** The token exactly as the import passes it to `saveToken`. */
  token: OAuthToken;
}

/** A token whose save would fail with `CONFLICT`, found before the first save. */
export interface ForeseenConflict {
  /** The index of the token in the planned saves. */
  index: number;
  /** The unique field whose value another record contains. */
  field: UniqueField;
  /** The id of the record that contains the value. */
  holderId: string;
  /**
   * The position of the earlier token whose save inserts the holder, or `undefined`
   * when that record was in the store before the import.
   */
  holderPosition: RecordPosition | undefined;
}

/**
 * Returns the first token whose save, after the saves before it, would write a user
 * name, access, refresh or grant token that another record holds, or `undefined`
 * when every save can go through. `held` is every record of the store.
 */
export function findForeseenConflict(
  saves: readonly PlannedSave[],
  held: readonly StoredToken[],
): ForeseenConflict | undefined {
  const view = new StoreView(held);

  for (const [index, { position, token }] of saves.entries()) {
    const existing = view.find(token);
    let record: StoredToken;
    try {
      record = resolveUpsert(existing, token);
    } catch (error) {
      // The save will fail with the same INVALID_TOKEN and stop the import there.
      if (isTokenStoreError(error, 'INVALID_TOKEN')) continue;
      throw error;
    }

    const field = findConflictingField(record, (name, value) => view.holderOf(name, value));
    if (field !== undefined) {
      const holderId = view.holderOf(field, record[field]!)!;
      return { index, field, holderId, holderPosition: view.insertedBy(holderId) };
    }
    view.write(record, existing === null ? position : undefined);
  }
  return undefined;
}

// The records of the store as the planned saves leave them, with an index per unique
// field, as a store's unique indexes keep them.
class StoreView {
  readonly #byId = new Map<string, StoredToken>();
  readonly #holders = new Map<UniqueField, Map<string, string>>(
    UNIQUE_FIELDS.map((field) => [field, new Map()]),
  );
  readonly #inserted = new Map<string, RecordPosition>();

  constructor(held: readonly StoredToken[]) {
    for (const record of held) this.#index(record);
  }

  find(token: OAuthToken): StoredToken | null {
    const key = lookupKeyOf(token);
    if (key === null) return null;
    const id = key.field === 'id' ? key.value : this.holderOf(key.field, key.value);
    return id === undefined ? null : (this.#byId.get(id) ?? null);
  }

  holderOf(field: UniqueField, value: string): string | undefined {
    return this.#holders.get(field)!.get(value);
  }

  insertedBy(id: string): RecordPosition | undefined {
    return this.#inserted.get(id);
  }

  write(record: StoredToken, insertedAt: RecordPosition | undefined): void {
    const previous = this.#byId.get(record.id);
    if (previous !== undefined) {
      for (const field of UNIQUE_FIELDS) {
        const value = previous[field];
        if (value !== undefined) this.#holders.get(field)!.delete(value);
      }
    }
    this.#index(record);
    if (insertedAt !== undefined) this.#inserted.set(record.id, insertedAt);
  }

  #index(record: StoredToken): void {
    this.#byId.set(record.id, record);
    for (const field of UNIQUE_FIELDS) {
      const value = record[field];
      if (value !== undefined) this.#holders.get(field)!.set(value, record.id);
    }
  }
}
