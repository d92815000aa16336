/**
 * An in-memory token store: records in a Map by id, and one Map per unique field from
 * value to id, so that every lookup is O(1). Nothing survives the process.
 */
import {
  UNIQUE_FIELDS,
  conflictError,
  createTokenStore,
  findConflictingField,
  resolveUpsert,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenStore,
  type UniqueField,
} from '@tokenstore/core';

/** Creates an empty in-memory store. */
export function createMemoryStore(): TokenStore {
  const records = new Map<string, StoredToken>();
  const indexes = new Map<UniqueField, Map<string, string>>(
    UNIQUE_FIELDS.map((field) => [field, new Map()]),
  );

  function find(key: LookupKey): StoredToken | null {
    const id = key.field === 'id' ? key.value : indexes.get(key.field)?.get(key.value);
    return id === undefined ? null : (records.get(id) ?? null);
  }

  function index(record: StoredToken): void {
    for (const field of UNIQUE_FIELDS) {
      const value = record[field];
      if (value !== undefined) indexes.get(field)?.set(value, record.id);
    }
  }

  function unindex(record: StoredToken): void {
    for (const field of UNIQUE_FIELDS) {
      const value = record[field];
      if (value !== undefined) indexes.get(field)?.delete(value);
    }
  }

  function save(token: OAuthToken, key: LookupKey | null): StoredToken {
    const existing = key === null ? null : find(key);
    const record = resolveUpsert(existing, token);

    const conflict = findConflictingField(record, (field, value) => indexes.get(field)?.get(value));
    if (conflict !== undefined) {
      throw conflictError(conflict);
    }

    if (existing !== null) unindex(existing);
    records.set(record.id, record);
    index(record);
    return record;
  }

  function remove(id: string): void {
    const record = records.get(id);
    if (record === undefined) return;
    unindex(record);
    records.delete(id);
  }

  function clear(): void {
    records.clear();
    for (const fieldIndex of indexes.values()) fieldIndex.clear();
  }

  // The records are replaced on every save, never changed in place, and the core copies
  // each record it returns, so no caller ever holds an object of this Map.
  return createTokenStore('memory', {
    find: async (key) => find(key),
    save: async (token, key) => save(token, key),
    delete: async (id) => remove(id),
    list: async () => [...records.values()],
    clear: async () => clear(),
    close: async () => clear(),
  });
}
