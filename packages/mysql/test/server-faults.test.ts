/**
 * A server that restarts, stops replying, or takes too long over a write: the same
 * store object works again afterwards, calls reject within the time limit, and a write
 * reported as failed is never applied later.
 */
import { isTokenStoreError } from '@tokenstore/core';
import { afterAll, describe, expect, it } from 'vitest';

import { createMysqlStore } from '../src/index.js';
import {
  ALICE,
  BOB,
  admin,
  closeAdmin,
  openStore,
  provided,
  server,
  skipNote,
  temporaryTable,
  timed,
} from './helpers.js';

if (provided.available) {
  console.log(`mysql server fault tests run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

const TIMEOUT_MS = 2000;
const managed = provided.available && provided.server.managed;
const unmanagedNote = managed ? '' : ' (skipped: the server was not started by this process)';

function expectUnavailable(result: PromiseSettledResult<unknown>): void {
  expect(result.status).toBe('rejected');
  expect(isTokenStoreError((result as PromiseRejectedResult).reason, 'UNAVAILABLE')).toBe(true);
}

describe.skipIf(!provided.available)(`mysql writes that time out${skipNote}`, () => {
  it('never applies a save that timed out', async () => {
    const table = temporaryTable();
    const store = openStore({ table, timeoutMs: TIMEOUT_MS });
    const other = openStore({ table });
    await store.saveToken(ALICE);
    // The update of this one value takes longer than the store's time limit.
    await admin().query(
      `CREATE TRIGGER \`${table}_slow\` BEFORE UPDATE ON \`${table}\` FOR EACH ROW ` +
        "IF NEW.access_token = 'slow-update' THEN SET @slept = SLEEP(4); END IF",
    );

    const slow = await timed(
      store.saveToken({ userName: ALICE.userName, accessToken: 'slow-update' }),
    );
    expectUnavailable(slow.result);
    expect(slow.ms).toBeLessThan(TIMEOUT_MS + 1000);

    // A newer save of another field: had the failed save landed late, its access token
    // would be in the record this save merges into.
    const newer = await other.saveToken({ userName: ALICE.userName, refreshToken: 'newer' });
    expect(newer.accessToken).toBe(ALICE.accessToken);
    const [rows] = await admin().query(
      `SELECT COUNT(*) AS n FROM \`${table}\` WHERE access_token = 'slow-update'`,
    );
    expect(Number((rows as { n: number }[])[0]?.n)).toBe(0);
    const stored = await store.findToken({ userName: ALICE.userName });
    expect(stored?.accessToken).toBe(ALICE.accessToken);
    expect(stored?.refreshToken).toBe('newer');
  }, 20_000);
});

describe.skipIf(!managed)(`mysql server restarts and pauses${unmanagedNote}`, () => {
  it('works on after a server restart', async () => {
    const table = temporaryTable();
    const store = openStore({ table });
    const alice = await store.saveToken(ALICE);

    await server().restart();

    expect(await store.findToken({ userName: ALICE.userName })).toEqual(alice);
    const bob = await store.saveToken(BOB);
    expect(await store.getTokens()).toHaveLength(2);
    expect(await store.findTokenById(bob.id)).toEqual(bob);
  }, 60_000);

  it('rejects within the limit while the server is paused', async () => {
    const table = temporaryTable();
    const store = openStore({ table, timeoutMs: TIMEOUT_MS });
    await store.saveToken(ALICE);

    await server().pause();
    let unpaused = false;
    try {
      const find = await timed(store.findToken({ userName: ALICE.userName }));
      const save = await timed(
        store.saveToken({ userName: ALICE.userName, accessToken: 'while-paused' }),
      );
      const fresh = createMysqlStore({ url: server().url, table, timeoutMs: TIMEOUT_MS });
      const freshFind = await timed(fresh.findToken({ userName: ALICE.userName }));
      await fresh.close();

      for (const { ms, result } of [find, save, freshFind]) {
        expectUnavailable(result);
        expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      }
      await server().unpause();
      unpaused = true;
    } finally {
      if (!unpaused) await server().unpause();
    }

    const other = openStore({ table });
    await other.saveToken({ userName: ALICE.userName, refreshToken: 'after-pause' });
    const stored = await store.findToken({ userName: ALICE.userName });
    expect(stored?.accessToken).toBe(ALICE.accessToken);
    expect(stored?.refreshToken).toBe('after-pause');
  }, 30_000);
});
