/** The options of `createMongoStore`, with their defaults and checks. */
import {
  DEFAULT_TIMEOUT_MS,
  checkOptionNames,
  invalidOptionsError,
  type CommonStoreOptions,
  type TokenStoreError,
} from '@tokenstore/core';
import type { MongoClient } from 'mongodb';

/** Options of `createMongoStore`. Give either `url` or `client`. */
export interface MongoStoreOptions extends CommonStoreOptions {
  /**
   * A MongoDB connection string (`mongodb://` or `mongodb+srv://`). The store creates
   * its own client from it on first use and closes that client in `close()`. Options
   * in the string are kept, except the timeouts, `retryWrites` and `appName`, which
   * the store sets.
   */
  url?: string;
  /**
   * A client that the caller created and owns: the store uses it as it is (its own
   * timeouts and `retryWrites` setting apply) and never closes it. Calls are still
   * bounded by `timeoutMs`.
   */
  client?: MongoClient;
  /**
   * The database of the collection. @default the database named in `url`'s path (as in
   * `mongodb://127.0.0.1:27017/tokens`), else 'tokenstore'
   */
  database?: string;
  /** The collection of token records, one document per record. @default 'oauthtoken' */
  collection?: string;
  /** The `appName` the store's own client reports to the server. @default 'tokenstore' */
  appName?: string;
}

/** The database used when the options name none. */
export const DEFAULT_DATABASE = 'tokenstore';

/** The collection used when the options name none: the table name of the Zoho SDKs. */
export const DEFAULT_COLLECTION = 'oauthtoken';

/** The default of `MongoStoreOptions.appName`. */
export const DEFAULT_APP_NAME = 'tokenstore';

/** Options with their defaults applied. */
export interface ResolvedOptions {
  url: string | undefined;
  client: MongoClient | undefined;
  database: string;
  collection: string;
  appName: string;
  timeoutMs: number;
  logger: CommonStoreOptions['logger'];
}

const OPTION_NAMES = [
  'url',
  'client',
  'database',
  'collection',
  'appName',
  'timeoutMs',
  'logger',
] as const satisfies readonly (keyof MongoStoreOptions)[];

// MongoDB rejects these characters in database names on every platform it runs on.
const INVALID_DATABASE_CHARACTERS = /[/\\. "$*<>:|?\0]/;
// MongoDB's limit on a database name, in bytes.
const MAX_DATABASE_NAME_BYTES = 63;
// The namespace (database, a dot and the collection) of MongoDB 4.4+ may have 255 bytes.
const MAX_NAMESPACE_BYTES = 255;
// Node.js timers fire at once for delays above the largest 32-bit signed integer.
const MAX_TIMEOUT_MS = 0x7fff_ffff;

/**
 * Applies the defaults and checks every option.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` naming the invalid option.
 */
export function resolveOptions(options: MongoStoreOptions, operation: string): ResolvedOptions {
  const invalid = (detail: string): TokenStoreError =>
    invalidOptionsError('mongodb', operation, detail);

  checkOptionNames('mongodb', operation, options, OPTION_NAMES);
  const {
    url,
    client,
    collection = DEFAULT_COLLECTION,
    appName = DEFAULT_APP_NAME,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    logger,
  } = options;

  if ((url === undefined) === (client === undefined)) {
    throw invalid('give either url or client, not both and not neither');
  }
  if (url !== undefined && (typeof url !== 'string' || !/^mongodb(\+srv)?:\/\/./.test(url))) {
    throw invalid('url must be a connection string that starts with mongodb:// or mongodb+srv://');
  }
  if (client !== undefined && !isClientLike(client)) {
    throw invalid('client must be a MongoClient of the mongodb driver');
  }
  const database = options.database ?? databaseOfUrl(url, invalid) ?? DEFAULT_DATABASE;
  const databaseName = options.database === undefined ? 'the database in url' : 'database';
  if (
    typeof database !== 'string' ||
    database === '' ||
    INVALID_DATABASE_CHARACTERS.test(database) ||
    Buffer.byteLength(database) > MAX_DATABASE_NAME_BYTES
  ) {
    throw invalid(
      `${databaseName} must be 1 to ${MAX_DATABASE_NAME_BYTES} bytes without spaces or any of / \\ . " $ * < > : | ?`,
    );
  }
  if (
    typeof collection !== 'string' ||
    collection === '' ||
    collection.includes('$') ||
    collection.includes('\0') ||
    collection.startsWith('system.') ||
    Buffer.byteLength(`${database}.${collection}`) > MAX_NAMESPACE_BYTES
  ) {
    throw invalid(
      'collection must be a non-empty name without "$" or NUL that does not start with "system."',
    );
  }
  if (typeof appName !== 'string' || appName === '' || Buffer.byteLength(appName) > 128) {
    throw invalid('appName must be a string of 1 to 128 bytes');
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalid(`timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return { url, client, database, collection, appName, timeoutMs, logger };
}

// The path of a connection string names its default database, as the driver's
// `client.db()` reads it. Hosts may be a comma-separated list, so no URL parser is used.
const URL_DATABASE = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/;

function databaseOfUrl(
  url: string | undefined,
  invalid: (detail: string) => TokenStoreError,
): string | undefined {
  const path = url === undefined ? undefined : URL_DATABASE.exec(url)?.[1];
  if (path === undefined || path === '') {
    return undefined;
  }
  try {
    return decodeURIComponent(path);
  } catch {
    throw invalid('the database in url is not valid percent-encoding');
  }
}

function isClientLike(value: unknown): value is MongoClient {
  const candidate = value as { db?: unknown; connect?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.db === 'function' &&
    typeof candidate.connect === 'function'
  );
}
