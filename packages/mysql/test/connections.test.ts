/**
 * Connections under failure. Writes that a trigger rejects give their connection back,
 * and the pool limit holds. Connections killed by the server are replaced. A server out
 * of connections, or a lock held too long, gives UNAVAILABLE within the time limit, and
 * the same store works again afterwards.
 */
import { isTokenStoreError, type TokenStore } from '@tokenstore/core';
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';

import { createMysqlSchema, createMysqlStore } from '../src/index.js';
import {
  ALICE,
  BOB,
  CAROL,
  admin,
  adminConnection,
  closeAdmin,
  connectionIdsOf,
  provided,
  serverUrl,
  skipNote,
  temporaryTable,
  temporaryUser,
  timed,
} from './helpers.js';

if (provided.available) {
  console.log(`mysql connection tests run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

const POOL_LIMIT = 4;
const TIMEOUT_MS = 2000;
const ER_CON_COUNT_ERROR = 1040;
const BOOM = { ...BOB, userName: 'boom@example.test' };

/** Creates a table, a user who may only read and write rows, and a store of that user. */
async function storeOfOwnUser(
  table: string,
  timeoutMs = TIMEOUT_MS,
): Promise<{ store: TokenStore; user: string; url: string }> {
  await createMysqlSchema({ url: serverUrl(), table });
  const { user, password } = await temporaryUser('SELECT, INSERT, UPDATE, DELETE');
  const url = serverUrl({ user, password });
  const store = createMysqlStore({
    url,
    table,
    connectionLimit: POOL_LIMIT,
    timeoutMs,
  });
  return { store, user, url };
}

/** Samples the number of a user's server connections every 10 ms while `body` runs. */
async function largestConnectionCount(user: string, body: () => Promise<void>): Promise<number> {
  let largest = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      largest = Math.max(largest, (await connectionIdsOf(user)).length);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    await body();
  } finally {
    running = false;
    await sampler;
  }
  return largest;
}

async function killConnectionsOf(user: string): Promise<number> {
  const ids = await connectionIdsOf(user);
  for (const id of ids) {
    await admin().query('KILL CONNECTION ?', [id]);
  }
  return ids.length;
}

describe.skipIf(!provided.available)(`mysql connections${skipNote}`, () => {
  it('survives writes a trigger rejects, then full and killed pools', async () => {
    const table = temporaryTable();
    const { store, user, url } = await storeOfOwnUser(table);
    await admin().query(
      `CREATE TRIGGER \`${table}_boom\` BEFORE INSERT ON \`${table}\` FOR EACH ROW ` +
        "IF NEW.user_name = 'boom@example.test' THEN " +
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'user rejected by the test trigger'; END IF",
    );
    const helper = await adminConnection();
    const fillers: Connection[] = [];
    let second: TokenStore | undefined;
    try {
      const largest = await largestConnectionCount(user, async () => {
        for (let i = 0; i < 50; i += 1) {
          const { ms, result } = await timed(store.saveToken(BOOM));
          expect(result.status).toBe('rejected');
          expect(isTokenStoreError((result as PromiseRejectedResult).reason, 'BACKEND')).toBe(true);
          expect(ms).toBeLessThan(1000);
        }
        const parallel = await Promise.all(
          Array.from({ length: 50 }, () => timed(store.saveToken(BOOM))),
        );
        for (const { ms, result } of parallel) {
          expect(result.status).toBe('rejected');
          expect(isTokenStoreError((result as PromiseRejectedResult).reason, 'BACKEND')).toBe(true);
          expect(ms).toBeLessThan(1000);
        }

        const calls: (() => Promise<unknown>)[] = [
          () => store.saveToken(ALICE),
          () => store.findToken({ userName: ALICE.userName }),
          () => store.getTokens(),
        ];
        for (const call of calls) {
          const { ms, result } = await timed(call());
          expect(result.status).toBe('fulfilled');
          expect(ms).toBeLessThan(1000);
        }
      });
      expect(largest).toBeGreaterThan(0);
      expect(largest).toBeLessThanOrEqual(POOL_LIMIT);

      expect(await killConnectionsOf(user)).toBeGreaterThan(0);
      const [status] = await helper.query("SHOW STATUS LIKE 'Threads_connected'");
      const connected = Number((status as { Value: string }[])[0]?.Value);
      const [limit] = await helper.query('SELECT @@GLOBAL.max_connections AS value');
      const originalLimit = Number((limit as { value: number }[])[0]?.value);
      await helper.query('SET GLOBAL max_connections = ?', [connected + 1]);
      try {
        let refused: unknown;
        for (let i = 0; i < 10 && refused === undefined; i += 1) {
          try {
            fillers.push(await mysql.createConnection({ uri: url }));
          } catch (error) {
            refused = error;
          }
        }
        expect((refused as { errno?: number }).errno).toBe(ER_CON_COUNT_ERROR);

        second = createMysqlStore({ url, table, timeoutMs: TIMEOUT_MS });
        for (const call of [
          () => store.findToken({ userName: ALICE.userName }),
          () => second!.findToken({ userName: ALICE.userName }),
        ]) {
          const { ms, result } = await timed(call());
          expect(result.status).toBe('rejected');
          const reason = (result as PromiseRejectedResult).reason as { cause?: { errno?: number } };
          expect(isTokenStoreError(reason, 'UNAVAILABLE')).toBe(true);
          expect(reason.cause?.errno).toBe(ER_CON_COUNT_ERROR);
          expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
        }
      } finally {
        await helper.query('SET GLOBAL max_connections = ?', [originalLimit]);
        for (const filler of fillers) filler.destroy();
      }

      expect((await second.findToken({ userName: ALICE.userName }))?.userName).toBe(ALICE.userName);
      await store.saveToken(CAROL);
      const names = (await store.getTokens()).map((record) => record.userName).sort();
      expect(names).toEqual([ALICE.userName, CAROL.userName]);
    } finally {
      await second?.close();
      await store.close();
    }
  }, 60_000);

  it('leaves no server connection after close', async () => {
    const table = temporaryTable();
    const { store, user } = await storeOfOwnUser(table);
    await Promise.all([ALICE, BOB, CAROL].map((record) => store.saveToken(record)));
    expect((await connectionIdsOf(user)).length).toBeGreaterThan(0);

    await store.close();
    const closedAt = performance.now();
    while ((await connectionIdsOf(user)).length > 0 && performance.now() - closedAt < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(await connectionIdsOf(user)).toEqual([]);
    await expect(store.getTokens()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('replaces idle connections the server killed', async () => {
    const table = temporaryTable();
    const { store, user } = await storeOfOwnUser(table);
    try {
      await Promise.all([ALICE, BOB, CAROL].map((record) => store.saveToken(record)));
      expect(await killConnectionsOf(user)).toBeGreaterThan(0);

      const found = await store.findToken({ userName: ALICE.userName });
      await store.saveToken({ userName: BOB.userName, accessToken: '1000.at.bob.0002' });

      expect(found?.userName).toBe(ALICE.userName);
      expect((await store.findToken({ userName: BOB.userName }))?.accessToken).toBe(
        '1000.at.bob.0002',
      );
    } finally {
      await store.close();
    }
  });

  it('fails a save whose connection is killed mid-call', async () => {
    const table = temporaryTable();
    // A long time limit, so that only the kill can end the wait for the lock.
    const { store, user } = await storeOfOwnUser(table, 20_000);
    const holder = await adminConnection();
    try {
      await store.saveToken(ALICE);
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT id FROM \`${table}\` FOR UPDATE`);

      const pending = timed(store.saveToken({ userName: ALICE.userName, accessToken: 'killed' }));
      await waitForLockingRead(user);
      await killConnectionsOf(user);
      const { ms, result } = await pending;
      await holder.query('ROLLBACK');

      expect(result.status).toBe('rejected');
      expect(isTokenStoreError((result as PromiseRejectedResult).reason, 'UNAVAILABLE')).toBe(true);
      expect(ms).toBeLessThan(5000);
      expect((await store.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
        ALICE.accessToken,
      );
    } finally {
      await store.close();
    }
  });

  it('gives up on a lock held past the timeout', async () => {
    const table = temporaryTable();
    const { store } = await storeOfOwnUser(table);
    const holder = await adminConnection();
    try {
      await store.saveToken(ALICE);
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT id FROM \`${table}\` FOR UPDATE`);

      const { ms, result } = await timed(
        store.saveToken({ userName: ALICE.userName, accessToken: 'blocked' }),
      );
      await holder.query('ROLLBACK');

      expect(result.status).toBe('rejected');
      expect(isTokenStoreError((result as PromiseRejectedResult).reason, 'UNAVAILABLE')).toBe(true);
      expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      expect((await store.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
        ALICE.accessToken,
      );
    } finally {
      await store.close();
    }
  });
});

/** Waits until a connection of `user` runs a locking read (which waits for a lock), for up to 5 s. */
async function waitForLockingRead(user: string): Promise<void> {
  for (let tries = 0; tries < 250; tries += 1) {
    const [rows] = await admin().query(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ? AND INFO LIKE '%FOR UPDATE'",
      [user],
    );
    if (Number((rows as { n: number }[])[0]?.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no connection of ${user} ran a locking read within 5 s`);
}
