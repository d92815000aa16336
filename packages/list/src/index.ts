/**
 * The reference token store: every record is one array of field values in a plain
 * array, and every operation is a linear scan. It is slow on purpose and simple on
 * purpose: read it before writing a store of your own, because each step of the
 * contract appears here once, in the order a store must take it.
 */
import {
  TOKEN_FIELDS,
  conflictError,
  createTokenStore,
  findConflictingField,
  resolveUpsert,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenField,
  type TokenStore,
} from '@tokenstore/core';

/**
 * One stored record: the values of `TOKEN_FIELDS` in their order (id first), with
 * `undefined` where a field has no value. This mirrors a table row.
 */
type Row = (string | number | undefined)[];

/** Creates an empty reference store. Nothing survives the process. */
export function createListStore(): TokenStore {
  const rows: Row[] = [];

  // Step 1 of every lookup: find the row whose column holds exactly the key's value.
  // `createTokenStore` has already turned the caller's token into this one key by the
  // core's rules, so a store never decides precedence itself.
  function findRow(field: TokenField, value: string): Row | undefined {
    const column = TOKEN_FIELDS.indexOf(field);
    return rows.find((row) => row[column] === value);
  }

  function save(token: OAuthToken, key: LookupKey | null): StoredToken {
    // Step 1: the record to update, if the lookup key finds one.
    const existingRow = key === null ? undefined : findRow(key.field, key.value);
    const existing = existingRow === undefined ? null : rowToToken(existingRow);

    // Step 2: merge. Given fields overwrite, the others keep their stored value, and a
    // new record gets an id; the core rejects a new record that carries no token.
    const record = resolveUpsert(existing, token);

    // Step 3: uniqueness. No other record may hold one of the new user name or token
    // values. Check before writing anything, so a rejected save changes nothing.
    const conflict = findConflictingField(
      record,
      (field, value) => findRow(field, value)?.[0] as string | undefined,
    );
    if (conflict !== undefined) {
      throw conflictError(conflict);
    }

    // Step 4: write. The row is replaced whole, never edited in place, so a record
    // returned earlier can never change under its holder.
    const row = tokenToRow(record);
    if (existingRow === undefined) {
      rows.push(row);
    } else {
      rows[rows.indexOf(existingRow)] = row;
    }
    return record;
  }

  function remove(id: string): void {
    const row = findRow('id', id);
    if (row !== undefined) {
      rows.splice(rows.indexOf(row), 1);
    }
  }

  return createTokenStore('list', {
    find: async (key) => {
      const row = findRow(key.field, key.value);
      return row === undefined ? null : rowToToken(row);
    },
    save: async (token, key) => save(token, key),
    delete: async (id) => remove(id),
    list: async () => rows.map(rowToToken),
    clear: async () => {
      rows.length = 0;
    },
    close: async () => {
      rows.length = 0;
    },
  });
}

function tokenToRow(token: StoredToken): Row {
  return TOKEN_FIELDS.map((field) => token[field]);
}

function rowToToken(row: Row): StoredToken {
  const token: Record<string, string | number> = {};
  TOKEN_FIELDS.forEach((field, column) => {
    const value = row[column];
    if (value !== undefined) {
      token[field] = value;
    }
  });
  return token as unknown as StoredToken;
}
