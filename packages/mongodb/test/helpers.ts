/**
 * Shared test helpers: a raw client on the test server, collections and databases with
 * random names that are dropped after each test, and stores closed after each test.
 */
import { randomBytes } from 'node:crypto';

import { isTokenStoreError, type TokenStore, type TokenStoreErrorCode } from '@tokenstore/core';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { expect, onTestFinished } from 'vitest';

import { CLAIMS_SUFFIX } from '../src/claims.js';
import { createMongoStore, type MongoStoreOptions } from '../src/index.js';

/** The database that the tests use unless a test needs one of its own. */
export const TEST_DATABASE = 'tokenstore_test';

/** Returns a collection name that no other test uses, such as `tokens_3f9a01c2`. */
export function randomName(label: string): string {
  return `${label}_${randomBytes(4).toString('hex')}`;
}

/** Connects a client of the tests' own, closed when the test finishes. */
export async function connectRawClient(url: string): Promise<MongoClient> {
  const client = await new MongoClient(url, { serverSelectionTimeoutMS: 10_000 }).connect();
  onTestFinished(() => client.close());
  return client;
}

/**
 * Returns a raw handle on a collection of the test database. It is dropped when the test
 * finishes, with the claims collection that a store on it creates.
 */
export async function rawCollection(
  url: string,
  name: string,
  database = TEST_DATABASE,
): Promise<Collection<Document>> {
  const client = await connectRawClient(url);
  onTestFinished(async () => {
    await dropCollection(client, database, name);
    await dropCollection(client, database, name + CLAIMS_SUFFIX);
  });
  return client.db(database).collection(name);
}

/** Drops a collection; one that does not exist is not an error. */
export async function dropCollection(
  client: MongoClient,
  database: string,
  name: string,
): Promise<void> {
  await client.db(database).collection(name).drop().catch(ignoreMissingNamespace);
}

/** Creates a store that is closed when the test finishes. */
export function openStore(options: MongoStoreOptions): TokenStore {
  const store = createMongoStore(options);
  onTestFinished(() => store.close());
  return store;
}

/** Asserts that `promise` rejects with a `TokenStoreError` of `code`, and returns the error. */
export async function expectStoreError(
  promise: Promise<unknown>,
  code: TokenStoreErrorCode,
): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a rejection with ${code}`).toBeInstanceOf(Error);
  expect(isTokenStoreError(error) ? error.code : String(error)).toBe(code);
  return error as Error;
}

/** Measures how long `promise` takes to settle, in milliseconds, and its outcome. */
export async function timed<T>(
  promise: Promise<T>,
): Promise<{ elapsedMs: number; outcome: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([promise]);
  return { elapsedMs: performance.now() - started, outcome: outcome! };
}

function ignoreMissingNamespace(error: unknown): void {
  // NamespaceNotFound (26): the collection was never created or is already gone.
  if ((error as { code?: unknown }).code !== 26) {
    throw error;
  }
}
