/**
 * The mapping between token records and the documents of the collection, and the
 * filters that find them.
 *
 * A document contains the record's fields under the Zoho SDK's snake_case names, the
 * id as `_id`, a `revision` that changes on every write, and one lookup field per
 * unique field. A lookup field always has a value that is unique per document: `v:`
 * and the field's value when the record has one, or `none:` and the record's id when it
 * has none. So the unique index on it never sees a missing field. That matters because
 * MongoDB indexes a missing field as null, so two records without a user name would
 * collide there, while FerretDB 1.24 indexes it as SQL NULL, which never collides.
 */
import {
  TOKEN_FIELDS,
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  TokenStoreError,
  describeType,
  type LookupKey,
  type StoredToken,
  type TokenField,
  type UniqueField,
} from '@tokenstore/core';

/** A document of the collection, as the store writes and reads it. */
export type TokenDocument = Record<string, unknown> & { _id: string; revision: string };

/** A filter on fixed field names, each compared with `$eq` to a string. */
export type EqualityFilter = Record<string, { $eq: string }>;

/** The field of the revision: a random string that every write replaces. */
export const REVISION_FIELD = 'revision';

/** The lookup field of each unique field, such as `user_name_key` for `userName`. */
export const LOOKUP_FIELDS: Readonly<Record<UniqueField, string>> = {
  userName: 'user_name_key',
  accessToken: 'access_token_key',
  refreshToken: 'refresh_token_key',
  grantToken: 'grant_token_key',
};

const VALUE_PREFIX = 'v:';
const NO_VALUE_PREFIX = 'none:';

/** Returns the document that stores `record`, with the given revision. */
export function toDocument(record: StoredToken, revision: string): TokenDocument {
  const document: TokenDocument = { _id: record.id, revision };
  for (const field of TOKEN_FIELDS) {
    const value = record[field];
    if (field !== 'id' && value !== undefined) {
      document[ZOHO_COLUMNS[field]] = value;
    }
  }
  for (const field of UNIQUE_FIELDS) {
    document[LOOKUP_FIELDS[field]] = lookupValue(record, field);
  }
  return document;
}

/**
 * Returns the record that a document stores. A missing field, `null` and `''` become
 * an absent field, so a document written by another program reads the same way.
 *
 * @throws TokenStoreError `CORRUPT` when a field has a value of the wrong type, such
 *   as an expiry that is not a safe integer, or the `_id` is not a string.
 */
export function fromDocument(document: Record<string, unknown>): StoredToken {
  const id = document._id;
  if (typeof id !== 'string' || id === '') {
    throw corrupt(`_id must be a non-empty string, found ${describeType(id)}`);
  }
  const record: Partial<Record<TokenField, string | number>> = { id };
  for (const field of TOKEN_FIELDS) {
    if (field === 'id') continue;
    const name = ZOHO_COLUMNS[field];
    const value = document[name];
    if (value === null || value === undefined || value === '') {
      continue;
    }
    const isExpiry = field === 'expiresAt';
    if (isExpiry ? !Number.isSafeInteger(value) : typeof value !== 'string') {
      const expected = isExpiry ? 'a safe integer' : 'a string';
      throw corrupt(`field ${name} must be ${expected}, found ${describeType(value)}`);
    }
    record[field] = value as string | number;
  }
  return record as StoredToken;
}

/** Returns the filter that finds the document a lookup key names. */
export function lookupFilter(key: LookupKey): EqualityFilter {
  if (key.field === 'id') {
    return { _id: { $eq: key.value } };
  }
  return { [LOOKUP_FIELDS[key.field]]: { $eq: givenLookupValue(key.value) } };
}

/**
 * Returns the filter that matches the document of `id` only while it still has
 * `revision`. Every update is conditional on it.
 */
export function revisionFilter(id: string, revision: string): EqualityFilter {
  return { _id: { $eq: id }, [REVISION_FIELD]: { $eq: revision } };
}

/**
 * Returns one filter per unique value of `record`, each finding the document that has
 * that value in that field. The upsert uses them to find which field a duplicate-key
 * error was about.
 */
export function uniqueValueFilters(record: StoredToken): EqualityFilter[] {
  return UNIQUE_FIELDS.filter((field) => record[field] !== undefined).map((field) => ({
    [LOOKUP_FIELDS[field]]: { $eq: lookupValue(record, field) },
  }));
}

/** Returns the value of the lookup field of `field` for `record`. */
export function lookupValue(record: StoredToken, field: UniqueField): string {
  const value = record[field];
  return value === undefined ? NO_VALUE_PREFIX + record.id : givenLookupValue(value);
}

/** Returns the value of a lookup field for a record that has `value` in the field. */
export function givenLookupValue(value: string): string {
  return VALUE_PREFIX + value;
}

/** Returns the revision of a document read from the collection. */
export function revisionOf(document: Record<string, unknown>): string | undefined {
  const revision = document[REVISION_FIELD];
  return typeof revision === 'string' ? revision : undefined;
}

function corrupt(detail: string): TokenStoreError {
  return new TokenStoreError('CORRUPT', `unreadable document: ${detail}`);
}
