/**
 * The factory's option checks, and calls against endpoints that are not a working
 * MySQL server: nothing listening, and a socket that accepts but never sends a byte.
 * No MySQL server is needed.
 */
import { createServer, type Server, type Socket } from 'node:net';

import { isTokenStoreError } from '@tokenstore/core';
import mysql from 'mysql2';
import { createPool as createPromisePool } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createMysqlSchema,
  createMysqlStore,
  upgradeMysqlTable,
  type MysqlStoreOptions,
} from '../src/index.js';

const URL = 'mysql://app:s3cret-password@127.0.0.1:3306/tokens';

function invalidOptionsOf(options: unknown): string {
  try {
    createMysqlStore(options as MysqlStoreOptions);
  } catch (error) {
    expect(isTokenStoreError(error, 'INVALID_OPTIONS')).toBe(true);
    const message = (error as Error).message;
    expect(message).not.toContain('s3cret-password');
    return message;
  }
  throw new Error('createMysqlStore accepted the options');
}

describe('createMysqlStore options', () => {
  it('requires exactly one of url and pool', () => {
    expect(invalidOptionsOf({})).toContain('exactly one of url and pool');
    const pool = createPromisePool({ uri: URL });
    try {
      expect(invalidOptionsOf({ url: URL, pool })).toContain('exactly one of url and pool');
      expect(invalidOptionsOf({ pool, connectionLimit: 4 })).toContain('connectionLimit');
    } finally {
      void pool.end();
    }
  });

  it('rejects unusable urls without repeating them', () => {
    expect(invalidOptionsOf({ url: 'not a url s3cret-password' })).toContain('not a valid URL');
    expect(invalidOptionsOf({ url: 'postgres://app:s3cret-password@127.0.0.1/tokens' })).toContain(
      'mysql://',
    );
    expect(invalidOptionsOf({ url: 'mysql://app:s3cret-password@127.0.0.1:3306' })).toContain(
      'database',
    );
    expect(invalidOptionsOf({ url: `${URL}?ssl=no-such-profile` })).toContain('url query');
    expect(invalidOptionsOf({ url: 3306 })).toContain('url must be a string');
  });

  it('rejects a callback pool', () => {
    const pool = mysql.createPool({ uri: URL });
    try {
      expect(invalidOptionsOf({ pool })).toContain('pool.promise()');
      expect(invalidOptionsOf({ pool: {} })).toContain('getConnection');
    } finally {
      pool.end();
    }
  });

  it('rejects invalid table names', () => {
    for (const table of ['', '1tokens', 'oauth`token', 'oauth token', 'tokens;', 'x'.repeat(49)]) {
      expect(invalidOptionsOf({ url: URL, table })).toContain('table must be');
    }
    expect(() => createMysqlStore({ url: URL, table: 'x'.repeat(48) })).not.toThrow();
  });

  it('rejects invalid numbers and flags', () => {
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      expect(invalidOptionsOf({ url: URL, timeoutMs })).toContain('timeoutMs');
    }
    for (const connectionLimit of [0, 1.5, 1001]) {
      expect(invalidOptionsOf({ url: URL, connectionLimit })).toContain('connectionLimit');
    }
    expect(invalidOptionsOf({ url: URL, createSchema: 'no' })).toContain('createSchema');
  });

  it('rejects misspelt option names', () => {
    expect(invalidOptionsOf({ url: URL, tableName: 'tokens' })).toContain('"tableName"');
  });

  it('checks the options of the schema calls', async () => {
    await expect(createMysqlSchema({ url: URL, createSchema: false } as never)).rejects.toThrow(
      '"createSchema"',
    );
    await expect(upgradeMysqlTable({ url: URL, table: 'bad name' })).rejects.toThrow(
      'table must be',
    );
  });
});

describe('unreachable servers', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(
      servers.splice(0).map((server) => new Promise((closed) => server.close(closed))),
    );
  });

  /** Starts a TCP server on 127.0.0.1 that accepts connections and never sends a byte. */
  async function silentServer(): Promise<number> {
    const server = createServer((socket) => sockets.push(socket));
    servers.push(server);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    return (server.address() as { port: number }).port;
  }

  /** Returns a port on 127.0.0.1 where nothing listens. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as { port: number };
    await new Promise((closed) => server.close(closed));
    return port;
  }

  it('creates a store without connecting', async () => {
    const port = await silentServer();
    const store = createMysqlStore({ url: `mysql://app:pw@127.0.0.1:${port}/tokens` });
    await store.close();

    expect(sockets).toHaveLength(0);
  });

  it('rejects with UNAVAILABLE when nothing listens', async () => {
    const port = await closedPort();
    const store = createMysqlStore({ url: `mysql://app:pw@127.0.0.1:${port}/tokens` });
    try {
      await expect(store.findToken({ userName: 'alice@example.test' })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      });
    } finally {
      await store.close();
    }
  });

  it('rejects within the timeout when the server never replies', async () => {
    const port = await silentServer();
    const store = createMysqlStore({
      url: `mysql://app:pw@127.0.0.1:${port}/tokens`,
      timeoutMs: 1000,
    });
    try {
      const started = performance.now();
      const error = await store.saveToken({ userName: 'a@example.test', accessToken: 'at' }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      const elapsed = performance.now() - started;

      expect(isTokenStoreError(error, 'UNAVAILABLE')).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(2000);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
