/**
 * Shared test helpers: the server the tests run on, an administrator connection to it,
 * tables and database users that are removed after each test, stores that are closed
 * after each test, and the fixture users.
 */
import { randomBytes } from 'node:crypto';

import type { TokenStore } from '@tokenstore/core';
import { provideServer, type TestServer } from '@tokenstore/conformance/servers';
import mysql, { type Connection, type Pool } from 'mysql2/promise';
import { onTestFinished } from 'vitest';

import { createMysqlStore, type MysqlStoreOptions } from '../src/index.js';

export {
  ALICE,
  BOB,
  CAROL,
  EXPIRES_AT,
  fixtureUser,
  longToken,
  withoutId,
  type FixtureUser,
} from '@tokenstore/test-support';

/** Whether a MySQL server is available, and which. Started once per test file. */
export const provided = await provideServer('mysql');

/** The reason server tests are skipped, for the suite's name; empty when they run. */
export const skipNote = provided.available ? '' : ` (skipped: ${provided.reason})`;

/** Returns the server of this test file. Call it only in tests that run when one is available. */
export function server(): TestServer {
  if (!provided.available) {
    throw new Error(`no MySQL server: ${provided.reason}`);
  }
  return provided.server;
}

/** Returns the server's URL with another database, user or password. */
export function serverUrl(
  change: { database?: string; user?: string; password?: string } = {},
): string {
  const url = new URL(server().url);
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  if (change.user !== undefined) url.username = encodeURIComponent(change.user);
  if (change.password !== undefined) url.password = encodeURIComponent(change.password);
  return url.toString();
}

let adminPool: Pool | undefined;

/** Returns a pool of administrator connections (the server URL's user), for setup and checks. */
export function admin(): Pool {
  adminPool ??= mysql.createPool({ uri: server().url, connectionLimit: 4 });
  return adminPool;
}

/** Ends the administrator pool; call it in `afterAll`. */
export async function closeAdmin(): Promise<void> {
  const pool = adminPool;
  adminPool = undefined;
  await pool?.end();
}

/** Opens a separate administrator connection, closed when the test finishes. */
export async function adminConnection(): Promise<Connection> {
  const connection = await mysql.createConnection({ uri: server().url });
  onTestFinished(() => connection.destroy());
  return connection;
}

/** Returns a name that no other test uses, such as `t_5f3a9c01`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Returns a table name that is dropped when the test finishes. */
export function temporaryTable(prefix = 't'): string {
  const table = uniqueName(prefix);
  onTestFinished(async () => {
    await admin().query(`DROP TABLE IF EXISTS \`${table}\``);
  });
  return table;
}

/** Creates a store on the test server (by default on a temporary table), closed when the test finishes. */
export function openStore(options: Partial<MysqlStoreOptions> = {}): TokenStore {
  const store = createMysqlStore({
    url: server().url,
    table: options.table ?? temporaryTable(),
    ...options,
  });
  onTestFinished(() => store.close());
  return store;
}

/** Returns the names of the tables in a database of the test server. */
export async function tableNames(database: string): Promise<string[]> {
  const [rows] = await admin().query(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  );
  return (rows as { name: string }[]).map((row) => row.name);
}

/** Returns the number of rows in a table of the test server's database. */
export async function countRows(table: string): Promise<number> {
  const [rows] = await admin().query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number((rows as { n: number }[])[0]?.n);
}

/**
 * Creates a database user with the given privileges on the test database, dropped when
 * the test finishes. The user exists for any host, and for `localhost` too, so that an
 * anonymous `''@localhost` account (as a fresh MariaDB install has) cannot shadow it.
 */
export async function temporaryUser(grants: string): Promise<{ user: string; password: string }> {
  const user = uniqueName('u');
  const password = randomBytes(12).toString('hex');
  const database = new URL(server().url).pathname.slice(1);
  for (const host of ['%', 'localhost']) {
    await admin().query(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
    await admin().query(`GRANT ${grants} ON \`${database}\`.* TO '${user}'@'${host}'`);
  }
  onTestFinished(async () => {
    for (const host of ['%', 'localhost']) {
      await admin().query(`DROP USER IF EXISTS '${user}'@'${host}'`);
    }
  });
  return { user, password };
}

/** Returns the ids of the server connections of a database user. */
export async function connectionIdsOf(user: string): Promise<number[]> {
  const [rows] = await admin().query(
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?',
    [user],
  );
  return (rows as { id: number }[]).map((row) => Number(row.id));
}

/** Returns how long `promise` took to settle, in milliseconds, and its outcome. */
export async function timed<T>(
  promise: Promise<T>,
): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - started, result: result as PromiseSettledResult<T> };
}
