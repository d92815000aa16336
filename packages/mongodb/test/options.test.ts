/**
 * The factory's option checks and the driver version check, without a server.
 */
import { readFileSync } from 'node:fs';

import { isTokenStoreError } from '@tokenstore/core';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';

import { checkDriverVersion } from '../src/driver.js';
import { resolveOptions } from '../src/options.js';
import { SUPPORTED_DRIVER_RANGE, createMongoStore, type MongoStoreOptions } from '../src/index.js';

const SERVER_URL = 'mongodb://127.0.0.1:1/';

function creationError(options: unknown): unknown {
  try {
    createMongoStore(options as MongoStoreOptions);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('createMongoStore options', () => {
  it.each([
    ['no options', undefined],
    ['neither url nor client', {}],
    ['both url and client', { url: SERVER_URL, client: new MongoClient(SERVER_URL) }],
    ['an http url', { url: 'http://127.0.0.1:27017/' }],
    ['a url that is not a string', { url: 27017 }],
    ['a misspelt option', { url: SERVER_URL, colection: 'tokens' }],
    ['a client that is not a MongoClient', { client: { find: () => null } }],
    ['an empty database name', { url: SERVER_URL, database: '' }],
    ['a database name with a dot', { url: SERVER_URL, database: 'a.b' }],
    ['a database name with a space', { url: SERVER_URL, database: 'a b' }],
    ['a database name longer than 63 bytes', { url: SERVER_URL, database: 'd'.repeat(64) }],
    ['an empty collection name', { url: SERVER_URL, collection: '' }],
    ['a collection name with $', { url: SERVER_URL, collection: 'tokens$x' }],
    ['a system collection', { url: SERVER_URL, collection: 'system.users' }],
    ['a collection name that is not a string', { url: SERVER_URL, collection: { $ne: null } }],
    ['a zero timeout', { url: SERVER_URL, timeoutMs: 0 }],
    ['a negative timeout', { url: SERVER_URL, timeoutMs: -1 }],
    ['a timeout given as text', { url: SERVER_URL, timeoutMs: '5000' }],
    ['a fractional timeout', { url: SERVER_URL, timeoutMs: 1.5 }],
    ['an empty appName', { url: SERVER_URL, appName: '' }],
  ])('rejects %s with INVALID_OPTIONS', (_label, options) => {
    const error = creationError(options);

    expect(isTokenStoreError(error, 'INVALID_OPTIONS')).toBe(true);
    expect((error as Error).message).toContain('createMongoStore');
  });

  it('connects nothing before the first call', async () => {
    // Nothing listens on port 1: a connect attempt would fail, but none is made.
    const store = createMongoStore({ url: SERVER_URL, timeoutMs: 1000 });

    await expect(store.close()).resolves.toBeUndefined();
  });

  it('accepts a client and the documented defaults', () => {
    const client = new MongoClient(SERVER_URL);

    expect(creationError({ client })).toBeUndefined();
    expect(creationError({ url: SERVER_URL, database: 'tokens', collection: 'oauth.tokens' })).toBe(
      undefined,
    );
  });
});

describe('the database of a store', () => {
  const databaseOf = (options: MongoStoreOptions): string =>
    resolveOptions(options, 'createMongoStore').database;

  it('is the one named in the url', () => {
    expect(databaseOf({ url: 'mongodb://127.0.0.1:1/zoho_tokens?appName=x' })).toBe('zoho_tokens');
    expect(databaseOf({ url: 'mongodb://127.0.0.1:1,127.0.0.1:2/tokens%5Fa' })).toBe('tokens_a');
  });

  it('is the database option over the url', () => {
    expect(databaseOf({ url: 'mongodb://127.0.0.1:1/zoho_tokens', database: 'mine' })).toBe('mine');
  });

  it('is tokenstore when neither names one', () => {
    expect(databaseOf({ url: 'mongodb://127.0.0.1:1' })).toBe('tokenstore');
    expect(databaseOf({ url: 'mongodb://127.0.0.1:1/?appName=x' })).toBe('tokenstore');
    expect(databaseOf({ client: new MongoClient('mongodb://127.0.0.1:1/other') })).toBe(
      'tokenstore',
    );
  });

  it('rejects an invalid name in the url, naming where it came from', () => {
    const error = creationError({ url: 'mongodb://127.0.0.1:1/a.b' });
    expect(isTokenStoreError(error, 'INVALID_OPTIONS')).toBe(true);
    expect((error as Error).message).toContain('the database in url must be');
  });
});

describe('driver version check', () => {
  it('declares the peer dependency range it checks', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { peerDependencies: Record<string, string> };

    expect(manifest.peerDependencies.mongodb).toBe(SUPPORTED_DRIVER_RANGE);
  });

  it.each(['7.9.1', '7.9.2', '7.10.0'])('accepts driver %s', (version) => {
    expect(() => checkDriverVersion(version)).not.toThrow();
  });

  it.each(['6.21.0', '5.9.2', '7.9.0', '7.0.0', '8.0.0', 'unknown'])(
    'rejects driver %s with BACKEND',
    (version) => {
      let caught: unknown;
      try {
        checkDriverVersion(version);
      } catch (error) {
        caught = error;
      }

      expect(isTokenStoreError(caught, 'BACKEND')).toBe(true);
      expect((caught as Error).message).toContain(version);
      expect((caught as Error).message).toContain(SUPPORTED_DRIVER_RANGE);
    },
  );
});
