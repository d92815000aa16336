/**
 * The key layout. Every key of a store starts with its prefix in braces, which is a
 * Redis Cluster hash tag, so all keys of one store hash to one slot and every script
 * can touch any of them. A key name holds the SHA-256 of a value, never the value:
 * names stay short, tokens stay out of SCAN and slow-log output, and no value can
 * collide with another key or act as a SCAN pattern.
 *
 * - `{prefix}record:<sha256(id)>`: a hash with the record's fields under the Zoho
 *   column names, plus `revision`, a random string that changes on every write.
 * - `{prefix}<column>:<sha256(value)>`, for the columns `user_name`, `access_token`,
 *   `refresh_token` and `grant_token`: a string holding the name of the record key
 *   whose field holds that value.
 */
import { createHash } from 'node:crypto';

import { ZOHO_COLUMNS, type UniqueField } from '@tokenstore/core';

/** The kind of a record key, after the prefix. */
const RECORD_KIND = 'record';

/** The hash field that holds a record's revision. */
export const REVISION_FIELD = 'revision';

/** The key names of one store. */
export class KeyLayout {
  /** The start of every key: the prefix in braces. */
  readonly tag: string;

  constructor(prefix: string) {
    this.tag = `{${prefix}}`;
  }

  /** The hash that holds the record with this id. */
  recordKey(id: string): string {
    return `${this.tag}${RECORD_KIND}:${sha256Hex(id)}`;
  }

  /** The index key for a user name or token value in `field`. */
  indexKey(field: UniqueField, value: string): string {
    return `${this.tag}${ZOHO_COLUMNS[field]}:${sha256Hex(value)}`;
  }

  /** The SCAN pattern of every record key. */
  get recordPattern(): string {
    return `${this.tag}${RECORD_KIND}:*`;
  }

  /** The SCAN pattern of every key of the store, records and indexes. */
  get storePattern(): string {
    return `${this.tag}*`;
  }

  /** Tells whether `key`, found by SCAN with `storePattern`, is an index key of the store. */
  isIndexKey(key: string): boolean {
    const end = key.indexOf(':', this.tag.length);
    return end !== -1 && INDEX_COLUMNS.has(key.slice(this.tag.length, end));
  }

  /** Tells whether `key`, found by SCAN with `storePattern`, is a record key of the store. */
  isRecordKey(key: string): boolean {
    return key.startsWith(`${this.tag}${RECORD_KIND}:`);
  }
}

const INDEX_COLUMNS: ReadonlySet<string> = new Set([
  ZOHO_COLUMNS.userName,
  ZOHO_COLUMNS.accessToken,
  ZOHO_COLUMNS.refreshToken,
  ZOHO_COLUMNS.grantToken,
]);

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
