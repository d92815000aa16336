/**
 * The records of one version of the store file, with an index per unique field, so
 * that every lookup is one Map access. A table is never changed after it is built:
 * a write builds the next table, so that reads in flight keep a consistent view.
 */
import {
  UNIQUE_FIELDS,
  type LookupKey,
  type StoredToken,
  type UniqueField,
} from '@tokenstore/core';

/** An immutable set of records with their lookup indexes. */
export class TokenTable {
  /** The table of a missing file. */
  static readonly EMPTY = new TokenTable([]);

  readonly #records: ReadonlyMap<string, StoredToken>;
  readonly #idByValue: ReadonlyMap<UniqueField, ReadonlyMap<string, string>>;

  /** Builds a table from records whose ids and unique values are already known to be unique. */
  constructor(records: Iterable<StoredToken>) {
    const byId = new Map<string, StoredToken>();
    const indexes = new Map<UniqueField, Map<string, string>>(
      UNIQUE_FIELDS.map((field) => [field, new Map()]),
    );
    for (const record of records) {
      byId.set(record.id, record);
      for (const field of UNIQUE_FIELDS) {
        const value = record[field];
        if (value !== undefined) indexes.get(field)?.set(value, record.id);
      }
    }
    this.#records = byId;
    this.#idByValue = indexes;
  }

  /** The number of records. */
  get size(): number {
    return this.#records.size;
  }

  /** Returns every record, in file order. */
  records(): StoredToken[] {
    return [...this.#records.values()];
  }

  /** Returns the record whose `key.field` equals `key.value` exactly, or `null`. */
  find(key: LookupKey): StoredToken | null {
    const id = key.field === 'id' ? key.value : this.holderOf(key.field, key.value);
    return id === undefined ? null : (this.#records.get(id) ?? null);
  }

  /** Returns the id of the record whose `field` equals `value`, or `undefined`. */
  holderOf(field: UniqueField, value: string): string | undefined {
    return this.#idByValue.get(field)?.get(value);
  }

  /** Returns a new table in which `record` replaces the record with its id, or is added last. */
  withRecord(record: StoredToken): TokenTable {
    const records = new Map(this.#records);
    records.set(record.id, record);
    return new TokenTable(records.values());
  }

  /** Returns a new table without the record with this id. */
  withoutRecord(id: string): TokenTable {
    const records = new Map(this.#records);
    records.delete(id);
    return new TokenTable(records.values());
  }
}
