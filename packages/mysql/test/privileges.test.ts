/**
 * Database users with fewer privileges, the explicit schema call for them, and pools
 * that the caller owns.
 */
import { isTokenStoreError } from '@tokenstore/core';
import { createPool } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';

import { createMysqlSchema, createMysqlStore } from '../src/index.js';
import {
  ALICE,
  closeAdmin,
  countRows,
  provided,
  server,
  serverUrl,
  skipNote,
  tableNames,
  temporaryTable,
  temporaryUser,
} from './helpers.js';

if (provided.available) {
  console.log(`mysql privilege tests run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

const TABLE_PRIVILEGE_DENIED = 1142;

function databaseName(): string {
  return new URL(server().url).pathname.slice(1);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('the call resolved');
    },
    (error: unknown) => error,
  );
}

describe.skipIf(!provided.available)(`mysql database users${skipNote}`, () => {
  it('rejects a save by a read-only user', async () => {
    const table = temporaryTable();
    await createMysqlSchema({ url: serverUrl(), table });
    const reader = await temporaryUser('SELECT');
    const url = serverUrl({ user: reader.user, password: reader.password });

    const store = createMysqlStore({ url, table });
    const error = await rejection(store.saveToken(ALICE));
    await store.close();

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error as Error).message).toContain('lacks a privilege');
    expect((error as { cause: { errno: number } }).cause.errno).toBe(TABLE_PRIVILEGE_DENIED);
    expect(await countRows(table)).toBe(0);

    const fresh = createMysqlStore({ url: serverUrl(), table });
    expect(await fresh.findToken({ userName: ALICE.userName })).toBeNull();
    expect((await fresh.saveToken(ALICE)).userName).toBe(ALICE.userName);
    await fresh.close();
  });

  it('reports a missing CREATE privilege and creates nothing', async () => {
    const table = temporaryTable();
    const user = await temporaryUser('SELECT, INSERT, UPDATE, DELETE');
    const url = serverUrl({ user: user.user, password: user.password });

    const store = createMysqlStore({ url, table });
    const error = await rejection(store.getTokens());
    await store.close();

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error as { cause: { errno: number } }).cause.errno).toBe(TABLE_PRIVILEGE_DENIED);
    expect(await tableNames(databaseName())).not.toContain(table);
  });

  it('runs on a table made by createMysqlSchema', async () => {
    const table = temporaryTable();
    const user = await temporaryUser('SELECT, INSERT, UPDATE, DELETE');
    const url = serverUrl({ user: user.user, password: user.password });

    const before = createMysqlStore({ url, table, createSchema: false });
    const missing = await rejection(before.getTokens());
    await before.close();
    expect(isTokenStoreError(missing, 'BACKEND')).toBe(true);
    expect((missing as Error).message).toContain('createMysqlSchema');
    expect(await tableNames(databaseName())).not.toContain(table);

    expect(await createMysqlSchema({ url: serverUrl(), table })).toEqual({ table, created: true });
    expect(await createMysqlSchema({ url: serverUrl(), table })).toEqual({ table, created: false });

    const store = createMysqlStore({ url, table, createSchema: false });
    const saved = await store.saveToken(ALICE);
    expect(await store.findToken({ userName: ALICE.userName })).toEqual(saved);
    await store.deleteTokens();
    expect(await store.getTokens()).toEqual([]);
    await store.close();
  });
});

describe.skipIf(!provided.available)(`mysql pools of the caller${skipNote}`, () => {
  it('keeps values exact through a latin1 pool and leaves it open', async () => {
    const table = temporaryTable();
    const pool = createPool({
      uri: server().url,
      charset: 'LATIN1_SWEDISH_CI',
      connectionLimit: 2,
    });
    try {
      const store = createMysqlStore({ pool, table });
      const userName = 'zoë.😀@example.test';
      const saved = await store.saveToken({ ...ALICE, userName, apiDomain: 'https://señal.test' });
      await store.close();

      const [rows] = await pool.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
      const fresh = createMysqlStore({ url: serverUrl(), table });
      const found = await fresh.findToken({ userName });
      await fresh.close();
      expect(found).toEqual(saved);
      expect(found?.apiDomain).toBe('https://señal.test');
    } finally {
      await pool.end();
    }
  });
});
