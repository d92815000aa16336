/**
 * The table the store creates and the tables it accepts: Zoho's column names, types
 * that hold what the contract needs, unique indexes, and checks by the catalog.
 */
import { join } from 'node:path';

import { isTokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { createSqliteStore, type SqliteStoreOptions } from '../src/index.js';
import { ALICE, BOB, openRawDatabase, openStore, tableNames, temporaryFolder } from './helpers.js';

const ZOHO_COLUMN_NAMES = [
  'id',
  'user_name',
  'client_id',
  'client_secret',
  'refresh_token',
  'access_token',
  'grant_token',
  'expiry_time',
  'redirect_url',
  'api_domain',
];

function catchError(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('table', () => {
  it('is created with the Zoho columns and exact types', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    await openStore({ path }).getTokens();

    const db = openRawDatabase(path, { readonly: true });
    const columns = db
      .prepare('SELECT name, type, pk FROM pragma_table_info(?)')
      .all('oauthtoken') as {
      name: string;
      type: string;
      pk: number;
    }[];
    const strict = db.prepare('SELECT strict FROM pragma_table_list(?)').pluck().get('oauthtoken');

    expect(columns.map((column) => column.name)).toEqual(ZOHO_COLUMN_NAMES);
    expect(columns.find((column) => column.name === 'id')).toMatchObject({ type: 'TEXT', pk: 1 });
    expect(columns.find((column) => column.name === 'expiry_time')?.type).toBe('INTEGER');
    for (const column of columns.filter((column) => !['id', 'expiry_time'].includes(column.name))) {
      expect(column.type, column.name).toBe('TEXT');
    }
    expect(strict).toBe(1);
  });

  it('has unique indexes on the lookup columns', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    await openStore({ path }).getTokens();

    const db = openRawDatabase(path, { readonly: true });
    const indexes = db
      .prepare('SELECT name FROM pragma_index_list(?) WHERE "unique" AND origin = ?')
      .pluck()
      .all('oauthtoken', 'c') as string[];
    const indexedColumns = indexes.map((index) =>
      db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(index),
    );

    expect(indexedColumns.sort()).toEqual([
      ['access_token'],
      ['grant_token'],
      ['refresh_token'],
      ['user_name'],
    ]);
  });

  it('stores empty fields as NULL', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    const saved = await store.saveToken({
      ...ALICE,
      grantToken: null,
      clientSecret: '',
      redirectUrl: undefined,
    });

    const row = openRawDatabase(path, { readonly: true })
      .prepare('SELECT * FROM oauthtoken WHERE id = ?')
      .get(saved.id) as Record<string, unknown>;

    expect(row.grant_token).toBeNull();
    expect(row.client_secret).toBeNull();
    expect(row.redirect_url).toBeNull();
    expect(row.expiry_time).toBe(ALICE.expiresAt);
  });

  it('is reused after every record was deleted', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const first = openStore({ path });
    const alice = await first.saveToken(ALICE);
    await first.deleteToken(alice.id);
    await first.close();

    const fresh = openStore({ path });
    const records = await fresh.getTokens();
    const bob = await fresh.saveToken(BOB);

    expect(records).toEqual([]);
    expect(await fresh.findTokenById(bob.id)).toEqual(bob);
    expect(tableNames(path)).toEqual(['oauthtoken']);
  });

  it('matches values exactly, without case folding or trimming', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken(ALICE);

    expect(await store.findToken({ userName: 'Alice@example.test' })).toBeNull();
    expect(await store.findToken({ userName: 'alice@example.test ' })).toBeNull();
    expect(await store.findToken({ accessToken: ALICE.accessToken.toUpperCase() })).toBeNull();
    expect(await store.findToken({ userName: 'alice@example.test' })).not.toBeNull();
  });

  it('rejects a table that has no token columns', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    openRawDatabase(path).exec('CREATE TABLE oauthtoken (id TEXT PRIMARY KEY, payload TEXT)');

    const error = await openStore({ path })
      .getTokens()
      .catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error as Error).message).toContain('not a token table');
    expect((error as Error).message).toContain('user_name');
  });

  it('rejects a table whose lookup columns fold case', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const db = openRawDatabase(path);
    db.exec(
      'CREATE TABLE oauthtoken (id TEXT NOT NULL PRIMARY KEY, user_name TEXT COLLATE NOCASE, client_id TEXT, ' +
        'client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time INTEGER, ' +
        'redirect_url TEXT, api_domain TEXT)',
    );
    for (const column of ['user_name', 'access_token', 'refresh_token', 'grant_token']) {
      db.exec(`CREATE UNIQUE INDEX oauthtoken_${column}_key ON oauthtoken (${column})`);
    }
    db.close();

    const error = await openStore({ path })
      .getTokens()
      .catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error as Error).message).toContain('no unique index with exact matching on user_name');
    expect((error as Error).message).toContain('upgradeSqliteTable');
  });

  it('matches exactly on a column declared NOCASE', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const db = openRawDatabase(path);
    db.exec(
      'CREATE TABLE oauthtoken (id TEXT NOT NULL PRIMARY KEY, user_name TEXT COLLATE NOCASE, ' +
        'client_id TEXT, client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, ' +
        'expiry_time INTEGER, redirect_url TEXT, api_domain TEXT)',
    );
    db.exec(
      'CREATE UNIQUE INDEX oauthtoken_user_name_key ON oauthtoken (user_name COLLATE BINARY)',
    );
    for (const column of ['access_token', 'refresh_token', 'grant_token']) {
      db.exec(`CREATE UNIQUE INDEX oauthtoken_${column}_key ON oauthtoken (${column})`);
    }
    db.close();
    const store = openStore({ path });
    await store.saveToken(ALICE);

    expect(await store.findToken({ userName: 'ALICE@example.test' })).toBeNull();
    expect(await store.findToken({ userName: ALICE.userName })).not.toBeNull();
  });

  it('is not created by a read-only store', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    openRawDatabase(path).close();

    const error = await openStore({ path, readonly: true })
      .getTokens()
      .catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error as Error).message).toContain('does not exist');
    expect(tableNames(path)).toEqual([]);
  });

  it.each([
    ['a hyphen', 'oauth-token'],
    ['a quote', 'tokens"; DROP TABLE oauthtoken; --'],
    ['a leading digit', '1tokens'],
    ['the sqlite_ prefix', 'sqlite_tokens'],
    ['an empty name', ''],
    ['65 characters', 't'.repeat(65)],
  ])('name with %s is rejected', (_label, table) => {
    const error = catchError(() => createSqliteStore({ path: ':memory:', table }));

    expect(isTokenStoreError(error, 'INVALID_OPTIONS')).toBe(true);
    expect((error as Error).message).toContain('table must be');
  });

  it.each([
    ['an empty path', { path: '' }],
    ['a URI path', { path: 'file:tokens.db' }],
    ['a negative timeout', { path: ':memory:', timeoutMs: -1 }],
    ['a fractional timeout', { path: ':memory:', timeoutMs: 1.5 }],
    ['a read-only in-memory database', { path: ':memory:', readonly: true }],
    ['a misspelt option', { path: ':memory:', tableName: 'tokens' }],
    ['no options at all', undefined],
  ])('options with %s are rejected', (_label, options) => {
    const error = catchError(() => createSqliteStore(options as SqliteStoreOptions));

    expect(isTokenStoreError(error, 'INVALID_OPTIONS')).toBe(true);
    expect((error as Error).message).toContain('invalid options');
  });
});
