/**
 * `createMongoStore`: a token store on one collection of a MongoDB database (or of
 * FerretDB, which speaks the same protocol). The client connects on first use; every
 * operation is bounded by `timeoutMs`; a server restart is survived by the same store.
 */
import {
  createTokenStore,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenStore,
  type TokenStoreBackend,
  type TokenStoreError,
} from '@tokenstore/core';
import type { MongoClient, MongoClientOptions } from 'mongodb';

import { CLAIMS_SUFFIX, type ClaimDocument } from './claims.js';
import { withDeadline, type Deadline } from './deadline.js';
import { fromDocument, lookupFilter, type TokenDocument } from './documents.js';
import { loadDriver } from './driver.js';
import { classifyMongoError } from './errors.js';
import { ensureClaimIndex, ensureIndexes } from './indexes.js';
import { resolveOptions, type MongoStoreOptions, type ResolvedOptions } from './options.js';
import { upsertToken, type StoreCollections } from './upsert.js';

/**
 * Creates a token store on a MongoDB collection. Nothing is loaded or connected until
 * the first call. That call checks the driver's version, connects the client and
 * creates the unique indexes of the collection and of its claims collection where they
 * are missing.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` when an option is invalid.
 */
export function createMongoStore(options: MongoStoreOptions): TokenStore {
  const settings = resolveOptions(options, 'createMongoStore');
  return createTokenStore('mongodb', new MongoBackend(settings));
}

interface Connection {
  client: MongoClient;
  collections: StoreCollections;
}

class MongoBackend implements TokenStoreBackend {
  readonly #options: ResolvedOptions;
  #connecting: Promise<Connection> | undefined;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  find(key: LookupKey): Promise<StoredToken | null> {
    return this.#run(async ({ tokens }) => {
      const document = await tokens.findOne(lookupFilter(key));
      return document === null ? null : fromDocument(document);
    });
  }

  save(token: OAuthToken, key: LookupKey | null): Promise<StoredToken> {
    return this.#run((collections, deadline) => upsertToken(collections, token, key, deadline));
  }

  delete(id: string): Promise<void> {
    return this.#run(async ({ tokens }) => {
      await tokens.deleteOne({ _id: { $eq: id } });
    });
  }

  list(): Promise<StoredToken[]> {
    return this.#run(async ({ tokens }) => {
      const documents = await tokens.find({}).toArray();
      return documents.map(fromDocument);
    });
  }

  clear(): Promise<void> {
    return this.#run(async ({ tokens, claims }) => {
      await tokens.deleteMany({});
      // The claims go after the records: a claim names a revision of a deleted record,
      // so a writer that still holds one finds nothing to replace.
      await claims.deleteMany({});
    });
  }

  // The core calls this once, after every call in flight has settled. A connect that a
  // timed-out call left running is awaited, so that it cannot open a client after this.
  async close(): Promise<void> {
    const connecting = this.#connecting;
    this.#connecting = undefined;
    const connection = await connecting?.catch(() => undefined);
    if (connection !== undefined && this.#options.client === undefined) {
      await connection.client.close();
    }
  }

  classifyError(error: unknown): TokenStoreError | undefined {
    return classifyMongoError(error);
  }

  #run<T>(body: (collections: StoreCollections, deadline: Deadline) => Promise<T>): Promise<T> {
    return withDeadline(this.#options.timeoutMs, async (deadline) => {
      const { collections } = await this.#connect();
      if (deadline.expired) {
        throw deadline.timeoutError();
      }
      return body(collections, deadline);
    });
  }

  // Connects once; the calls that arrive meanwhile wait for the same connect. A failed
  // connect is forgotten, so the next call tries again with a new client.
  #connect(): Promise<Connection> {
    this.#connecting ??= this.#openConnection().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  async #openConnection(): Promise<Connection> {
    const { client: givenClient, database, collection, logger } = this.#options;
    const { MongoClient } = await loadDriver();
    const client = givenClient ?? new MongoClient(this.#options.url ?? '', this.#clientOptions());

    try {
      await client.connect();
      const db = client.db(database);
      const tokens = db.collection<TokenDocument>(collection);
      const claims = db.collection<ClaimDocument>(collection + CLAIMS_SUFFIX);
      await ensureIndexes(tokens);
      await ensureClaimIndex(claims);
      logger?.debug?.(`connected to the MongoDB collection ${database}.${collection}`);
      return { client, collections: { tokens, claims } };
    } catch (error) {
      if (givenClient === undefined) {
        await client.close().catch(() => undefined);
      }
      throw error;
    }
  }

  #clientOptions(): MongoClientOptions {
    const { timeoutMs, appName } = this.#options;
    return {
      appName,
      serverSelectionTimeoutMS: timeoutMs,
      connectTimeoutMS: timeoutMs,
      socketTimeoutMS: timeoutMs,
      waitQueueTimeoutMS: timeoutMs,
      // The driver never re-sends a write whose reply was lost, so the call fails. If the
      // write reaches the server later, its revision condition no longer matches once a
      // newer write has been applied.
      retryWrites: false,
      // A read that failed on a connection that a server restart broke is sent once more
      // on a new connection. Every save starts with a find, so this also clears the pool
      // of broken connections before the save writes.
      retryReads: true,
    };
  }
}
