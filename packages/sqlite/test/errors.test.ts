/**
 * How the store reports what SQLite and the file system reject: a file that is not a
 * database, a path it cannot open, a row it cannot read and a conflicting value.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { isTokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { classifySqliteError } from '../src/errors.js';
import { ALICE, BOB, openRawDatabase, openStore, temporaryFolder } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the call to reject');
  return outcome;
}

describe('sqlite store errors', () => {
  it('reports a file that is not a database as corrupt', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const content = 'user_name,access_token\nalice@example.test,1000.at.alice.0001\n';
    writeFileSync(path, content, { mode: 0o600 });

    const readError = await rejection(openStore({ path }).getTokens());
    const saveError = await rejection(openStore({ path }).saveToken(ALICE));

    expect(isTokenStoreError(readError, 'CORRUPT')).toBe(true);
    expect(readError.cause).toMatchObject({ code: 'SQLITE_NOTADB' });
    expect(isTokenStoreError(saveError, 'CORRUPT')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('reports a folder in the file’s place', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    mkdirSync(path);

    const error = await rejection(openStore({ path }).saveToken(ALICE));

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect(error.cause).toMatchObject({ code: expect.stringMatching(/^SQLITE_CANTOPEN/) });
  });

  it('reports a file in a folder’s place with its path', async () => {
    const blocker = join(temporaryFolder(), 'data');
    writeFileSync(blocker, '');
    const path = join(blocker, 'tokens.db');

    const error = await rejection(openStore({ path }).saveToken(ALICE));

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect(error.message).toContain(blocker);
    expect(error.cause).toMatchObject({ code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/) });
  });

  it('reports a row of the wrong type as corrupt', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const db = openRawDatabase(path);
    // Not STRICT: such a table, made by another program, accepts text in the INTEGER column.
    db.exec(
      'CREATE TABLE oauthtoken (id TEXT NOT NULL PRIMARY KEY, user_name TEXT, client_id TEXT, ' +
        'client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, ' +
        'expiry_time INTEGER, redirect_url TEXT, api_domain TEXT)',
    );
    for (const column of ['user_name', 'access_token', 'refresh_token', 'grant_token']) {
      db.exec(`CREATE UNIQUE INDEX oauthtoken_${column}_key ON oauthtoken (${column})`);
    }
    db.prepare(
      'INSERT INTO oauthtoken (id, user_name, access_token, expiry_time) VALUES (?, ?, ?, ?)',
    ).run('1', ALICE.userName, ALICE.accessToken, 'tomorrow');
    db.close();
    const store = openStore({ path });

    const error = await rejection(store.getTokens());

    expect(isTokenStoreError(error, 'CORRUPT')).toBe(true);
    expect(error.message).toContain('expiry_time');
    expect(error.message).not.toContain('tomorrow');
    expect(await store.findToken({ userName: BOB.userName })).toBeNull();
  });

  it('names the conflicting field, never its value', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken(ALICE);

    const error = await rejection(store.saveToken({ ...BOB, refreshToken: ALICE.refreshToken }));

    expect(isTokenStoreError(error, 'CONFLICT')).toBe(true);
    expect(error.message).toContain('refreshToken');
    expect(error.message).not.toContain(ALICE.refreshToken);
    expect(await store.getTokens()).toHaveLength(1);
  });

  it.each([
    ['SQLITE_BUSY', 'UNAVAILABLE'],
    ['SQLITE_BUSY_SNAPSHOT', 'UNAVAILABLE'],
    ['SQLITE_LOCKED', 'UNAVAILABLE'],
    ['SQLITE_FULL', 'UNAVAILABLE'],
    ['SQLITE_NOMEM', 'UNAVAILABLE'],
    ['SQLITE_CORRUPT', 'CORRUPT'],
    ['SQLITE_NOTADB', 'CORRUPT'],
    ['SQLITE_READONLY', 'BACKEND'],
    ['SQLITE_READONLY_DIRECTORY', 'BACKEND'],
    ['SQLITE_CANTOPEN', 'BACKEND'],
    ['SQLITE_PERM', 'BACKEND'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'CONFLICT'],
  ])('classifies %s as %s', (code, expected) => {
    const cause = Object.assign(new Error('UNIQUE constraint failed: oauthtoken.user_name'), {
      code,
    });

    const classified = classifySqliteError(cause, 5000, 'tokens.db');

    expect(classified?.code).toBe(expected);
    expect(classified?.cause).toBe(cause);
  });

  it('leaves other errors to the core', () => {
    const cause = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });

    expect(classifySqliteError(cause, 5000, 'tokens.db')).toBeUndefined();
    expect(classifySqliteError(new TypeError('not SQLite'), 5000, 'tokens.db')).toBeUndefined();
  });
});
